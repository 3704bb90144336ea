// sh: the shell. Reads a line, parses it into a tree and runs it.
//
// Grammar (recursive descent, one token of lookahead):
//   line     = list END
//   list     = [pipeline] { (';' | '&') [pipeline] }
//   pipeline = command { '|' command }
//   command  = '(' list ')' { redir }  |  (WORD | redir) { WORD | redir }
//   redir    = ('<' | '>' | '>>') WORD
// Words may contain "double" or 'single' quoted parts; '#' starts a comment.
// Builtins: cd, exit, grants. `sh -c LINE` runs one line; `sh FILE` runs a
// script; `sh -v ...` shows what each command is granted; `grants` prints
// the grant policy for system capabilities.
//
// The shell is the powerbox (user/lib/powerbox.h): a program with a
// manifest runs with the standard streams, exactly the files its manifest
// and the command line name, and what leading +WHAT:RIGHTS words grant:
//   cat notes.txt               cat gets notes.txt, read-only
//   +/tmp:rwc prog args         prog also gets /tmp: read, write, create
//   +cwd:rc prog  +root:r prog  +proc:kill prog
// A program without a manifest runs with everything the shell has except
// the system capabilities.
//
// The shell inherits init's system capabilities: scheduler control
// (SCHEDCTL_SLOT, kernel/schedctl.h), system control (SYSCTL_SLOT,
// kernel/sysctl.h: halt, ps), the root cell (CELL_ROOT_SLOT,
// kernel/cellinfo.h), the service directory and the service-control key
// (SVC_DIR_SLOT, SVC_CTL_SLOT, user/lib/svcproto.h). A program gets one
// only if its manifest asks for it and the grant policy /syscaps.conf
// gives it to that installed program (pb_policy, user/lib/pbpolicy.c):
// never for its name or its manifest alone.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/errno.h"
#include "kernel/caprights.h"
#include "user/user.h"
#include "user/lib/util.h"
#include "user/lib/powerbox.h"
#include "user/manifest.h"

// A nested shell gets the service directory, its key and system control;
// scheduler control and the root cell stay with the programs that use them.
ZENITH_MANIFEST("root:all", "cwd:all", "proc:all", "svc", "svcctl", "sysctl");

static int show_grants;   // sh -v, `grants on`: print each command's grants

#define LINEMAX   512
#define MAXNODES  48
#define MAXREDIRS 4

// ---- Lexer ----

enum token { TK_WORD, TK_IN, TK_OUT, TK_APPEND, TK_PIPE, TK_SEMI, TK_AMP,
             TK_LPAREN, TK_RPAREN, TK_END, TK_BAD };

static const char *const token_text[] = {
  "word", "<", ">", ">>", "|", ";", "&", "(", ")", "end of line", "quote",
};

struct lexer {
  const char *p;      // next unread character of the line
  enum token tok;     // current token
  char *word;         // its text when tok == TK_WORD
};

// Unquoted words are copied here, NUL-terminated; a line of n bytes never
// needs more than 2n bytes.
static char word_store[2 * LINEMAX];
static char *word_end;

static int is_blank(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_special(char c)
{
  return c == '<' || c == '>' || c == '|' || c == ';' || c == '&' || c == '(' || c == ')';
}

// Scans a word starting at lx->p into the word store, removing quotes.
static enum token scan_word(struct lexer *lx)
{
  lx->word = word_end;
  while (*lx->p && !is_blank(*lx->p) && !is_special(*lx->p)) {
    char c = *lx->p++;
    if (c != '"' && c != '\'') {
      *word_end++ = c;
      continue;
    }
    while (*lx->p && *lx->p != c)
      *word_end++ = *lx->p++;
    if (*lx->p != c)
      return TK_BAD;
    lx->p++;
  }
  *word_end++ = 0;
  return TK_WORD;
}

static void advance(struct lexer *lx)
{
  while (is_blank(*lx->p))
    lx->p++;
  char c = *lx->p;
  if (c == 0 || c == '#') {
    lx->tok = TK_END;
    return;
  }
  if (!is_special(c)) {
    lx->tok = scan_word(lx);
    return;
  }
  lx->p++;
  switch (c) {
  case '<': lx->tok = TK_IN; break;
  case '|': lx->tok = TK_PIPE; break;
  case ';': lx->tok = TK_SEMI; break;
  case '&': lx->tok = TK_AMP; break;
  case '(': lx->tok = TK_LPAREN; break;
  case ')': lx->tok = TK_RPAREN; break;
  default:  // '>'
    lx->tok = TK_OUT;
    if (*lx->p == '>') {
      lx->p++;
      lx->tok = TK_APPEND;
    }
  }
}

// ---- Parse tree ----

enum kind { N_CMD, N_GROUP, N_PIPE, N_SEQ, N_BACK };

struct redir {
  enum token how;   // TK_IN, TK_OUT or TK_APPEND
  char *file;
};

struct node {
  enum kind kind;
  struct node *left, *right;   // PIPE, SEQ: both; GROUP, BACK: left only
  int argc;                    // CMD
  char *argv[MAXARG + 1];
  int nredir;                  // CMD, GROUP
  struct redir redirs[MAXREDIRS];
};

static struct node nodes[MAXNODES];
static int nnodes;
static const char *parse_error;   // first syntax error of the line, or 0

static struct node *new_node(enum kind kind, struct node *left, struct node *right)
{
  if (nnodes == MAXNODES) {
    parse_error = "command too complex";
    return 0;
  }
  struct node *n = &nodes[nnodes++];
  memset(n, 0, sizeof(*n));
  n->kind = kind;
  n->left = left;
  n->right = right;
  return n;
}

static void syntax_error(struct lexer *lx)
{
  static char msg[48];
  if (parse_error)
    return;
  if (lx->tok == TK_BAD)
    parse_error = "unterminated quote";
  else if (lx->tok == TK_WORD)
    snprintf(msg, sizeof(msg), "syntax error near '%s'", lx->word);
  else
    snprintf(msg, sizeof(msg), "syntax error near '%s'", token_text[lx->tok]);
  if (parse_error == 0)
    parse_error = msg;
}

static int starts_command(enum token t)
{
  return t == TK_WORD || t == TK_LPAREN || t == TK_IN || t == TK_OUT || t == TK_APPEND;
}

static struct node *parse_list(struct lexer *lx);

// Parses one redirection at the current token into n; returns 0 or -1.
static int parse_redir(struct lexer *lx, struct node *n)
{
  enum token how = lx->tok;
  advance(lx);
  if (lx->tok != TK_WORD) {
    syntax_error(lx);
    return -1;
  }
  if (n->nredir == MAXREDIRS) {
    parse_error = "too many redirections";
    return -1;
  }
  n->redirs[n->nredir].how = how;
  n->redirs[n->nredir].file = lx->word;
  n->nredir++;
  advance(lx);
  return 0;
}

static int is_redir(enum token t)
{
  return t == TK_IN || t == TK_OUT || t == TK_APPEND;
}

static struct node *parse_group(struct lexer *lx)
{
  advance(lx);   // '('
  struct node *body = parse_list(lx);
  if (parse_error)
    return 0;
  if (body == 0 || lx->tok != TK_RPAREN) {
    syntax_error(lx);
    return 0;
  }
  advance(lx);
  struct node *n = new_node(N_GROUP, body, 0);
  while (n && is_redir(lx->tok)) {
    if (parse_redir(lx, n) < 0)
      return 0;
  }
  return n;
}

static struct node *parse_command(struct lexer *lx)
{
  if (lx->tok == TK_LPAREN)
    return parse_group(lx);
  if (!starts_command(lx->tok)) {
    syntax_error(lx);
    return 0;
  }
  struct node *n = new_node(N_CMD, 0, 0);
  while (n && (lx->tok == TK_WORD || is_redir(lx->tok))) {
    if (lx->tok != TK_WORD) {
      if (parse_redir(lx, n) < 0)
        return 0;
      continue;
    }
    if (n->argc == MAXARG) {
      parse_error = "too many arguments";
      return 0;
    }
    n->argv[n->argc++] = lx->word;
    advance(lx);
  }
  return n;
}

static struct node *parse_pipeline(struct lexer *lx)
{
  struct node *left = parse_command(lx);
  while (left && lx->tok == TK_PIPE) {
    advance(lx);
    struct node *right = parse_command(lx);
    if (right == 0)
      return 0;
    left = new_node(N_PIPE, left, right);
  }
  return left;
}

// Joins two parts of a list; either may be empty (0).
static struct node *sequence(struct node *a, struct node *b)
{
  if (a == 0 || b == 0)
    return a ? a : b;
  return new_node(N_SEQ, a, b);
}

static struct node *parse_list(struct lexer *lx)
{
  struct node *list = 0;
  for (;;) {
    struct node *p = 0;
    if (starts_command(lx->tok))
      p = parse_pipeline(lx);
    if (parse_error)
      return 0;
    if (lx->tok == TK_AMP) {
      if (p == 0) {
        syntax_error(lx);
        return 0;
      }
      p = new_node(N_BACK, p, 0);
    } else if (lx->tok != TK_SEMI) {
      return sequence(list, p);
    }
    advance(lx);
    list = sequence(list, p);
  }
}

// Parses a whole line; returns its tree, 0 for an empty line or an error
// (parse_error says which).
static struct node *parse_line(const char *line)
{
  struct lexer lx = {line, TK_END, 0};
  nnodes = 0;
  word_end = word_store;
  parse_error = 0;
  advance(&lx);
  struct node *tree = parse_list(&lx);
  if (parse_error == 0 && lx.tok != TK_END)
    syntax_error(&lx);
  return parse_error ? 0 : tree;
}

// ---- Execution ----

static int run(struct node *n);

// Reaps children until pid exits and returns its status (-1 if it is not a
// child). Background jobs that finish meanwhile are reaped on the way.
static int wait_for(int pid)
{
  for (;;) {
    int status = 0;
    int r = wait(&status);
    if (r == pid)
      return status;
    if (r < 0)
      return -1;
  }
}

// Makes fd `to` refer to what `from` refers to, then closes `from`. There is
// no dup2: closing `to` first makes it the lowest free slot for dup.
static void move_fd(int from, int to)
{
  if (from == to)
    return;
  close(to);
  int d = dup(from);
  if (d != to) {
    fprintf(2, "sh: cannot move fd %d to %d\n", from, to);
    exit(1);
  }
  close(from);
}

// Positions fd at its end by reading everything: there is no lseek.
static void skip_to_end(int fd)
{
  static char junk[512];
  while (read(fd, junk, sizeof(junk)) > 0)
    ;
}

static void apply_redirs(struct node *n)
{
  for (int i = 0; i < n->nredir; i++) {
    struct redir *r = &n->redirs[i];
    int mode = r->how == TK_IN ? O_RDONLY
             : r->how == TK_OUT ? O_WRONLY | O_CREATE | O_TRUNC
             : O_RDWR | O_CREATE;
    int fd = open(r->file, mode);
    if (fd < 0)
      fail("sh", r->file, fd);
    if (r->how == TK_APPEND)
      skip_to_end(fd);
    move_fd(fd, r->how == TK_IN ? 0 : 1);
  }
}

// Runs cd, exit or grants in the calling process; returns -1 if argv is
// no builtin.
static int builtin(int argc, char **argv)
{
  if (strcmp(argv[0], "exit") == 0)
    exit(argc > 1 ? atoi(argv[1]) : 0);
  if (strcmp(argv[0], "grants") == 0) {
    if (argc == 1)
      return pb_policy_print(1) < 0;
    if (argc == 2 && (strcmp(argv[1], "on") == 0 || strcmp(argv[1], "off") == 0)) {
      show_grants = argv[1][1] == 'n';
      return 0;
    }
    fprintf(2, "usage: grants [on|off]\n");
    return 2;
  }
  if (strcmp(argv[0], "cd") != 0)
    return -1;
  const char *dir = argc > 1 ? argv[1] : "/";
  int r = chdir(dir);
  return r < 0 ? complain("cd", dir, r) : 0;
}

// Refuses to run argv[0]: says what was refused and exits.
static void refused(const char *prog, struct pb_plan *plan) __attribute__((noreturn));
static void refused(const char *prog, struct pb_plan *plan)
{
  fprintf(2, "sh: %s: refused: %s\n", prog, plan->refused);
  exit(1);
}

// Sets this process (a child of the shell) up to hold exactly what the
// powerbox grants the program at path: its manifest (mf), the command
// line, and the explicit +grants in extra[0..nextra).
static void powerbox(const char *path, char *mf, char **extra, int nextra,
                     int argc, char **argv)
{
  static struct pb_plan plan;
  if (pb_parse(&plan, mf, argc) < 0)
    refused(argv[0], &plan);
  for (int i = 0; i < nextra; i++)
    if (pb_extra(&plan, extra[i]) < 0)
      refused(argv[0], &plan);
  if (pb_policy(&plan, mf, path) < 0)
    refused(argv[0], &plan);
  if (path[0] != '/')   // found through the cwd: it must be able to exec it
    plan.cwd_rights |= CAP_R_LOOKUP | CAP_R_EXEC;
  if (pb_open(&plan, argc, argv) < 0)
    refused(argv[0], &plan);
  if (show_grants)
    pb_show(&plan, argv[0]);
  if (pb_enter(&plan, argv, argc) < 0)
    refused(argv[0], &plan);
}

// Execs argv; a bare name not found in the current directory is looked up
// in the root directory, where the programs live. Leading +WHAT:RIGHTS
// words are explicit grants for the powerbox.
static void exec_command(int argc, char **argv) __attribute__((noreturn));
static void exec_command(int argc, char **argv)
{
  static char path[MAXPATH];
  static char mf[MANIFEST_MAX];
  char *extra[MAXARG];
  int nextra = 0;
  while (argc > 0 && argv[0][0] == '+' && argv[0][1]) {
    extra[nextra++] = argv[0] + 1;
    argv++;
    argc--;
  }
  if (argc == 0) {
    fprintf(2, "sh: a grant needs a command after it\n");
    exit(2);
  }
  const char *prog = argv[0];
  int m = manifest_read(prog, mf, sizeof(mf));
  if (m == -E_NOENT && strchr(argv[0], '/') == 0) {
    snprintf(path, sizeof(path), "/%s", argv[0]);
    prog = path;
    m = manifest_read(prog, mf, sizeof(mf));
  }
  if (m > 0 || nextra > 0) {
    powerbox(prog, m > 0 ? mf : "", extra, nextra, argc, argv);
  } else {
    pb_drop_syscaps();
    if (show_grants && m == 0)
      fprintf(2, "sh: grant %s: everything the shell has but its system capabilities "
              "(no manifest)\n", argv[0]);
  }
  int r = exec(prog, argv);
  fprintf(2, "exec %s failed: %s\n", argv[0], errstr(r));
  exit(1);
}

static void run_here(struct node *n) __attribute__((noreturn));

// Forks a child that runs n with fd `from` moved to `to`; `other` (the
// unused end of a pipe) is closed in the child.
static int spawn_piped(struct node *n, int from, int to, int other)
{
  int pid = fork();
  if (pid == 0) {
    close(other);
    move_fd(from, to);
    run_here(n);
  }
  return pid;
}

// Runs a pipe in this (already forked) process: both sides are children,
// and the status of the whole is that of the right side.
static int run_pipe(struct node *n)
{
  int fds[2];
  int r = pipe(fds);
  if (r < 0)
    fail("sh", "pipe", r);
  int left = spawn_piped(n->left, fds[1], 1, fds[0]);
  int right = spawn_piped(n->right, fds[0], 0, fds[1]);
  close(fds[0]);
  close(fds[1]);
  if (left < 0 || right < 0)
    fail("sh", "fork", left < 0 ? left : right);
  int status = 0, st, pid;
  while ((pid = wait(&st)) >= 0) {
    if (pid == right)
      status = st;
  }
  return status;
}

// Runs n in the current process, which is a child of the shell, and exits.
static void run_here(struct node *n)
{
  if (n->kind == N_CMD || n->kind == N_GROUP)
    apply_redirs(n);
  switch (n->kind) {
  case N_CMD:
    if (n->argc == 0)
      exit(0);
    int st = builtin(n->argc, n->argv);
    if (st >= 0)
      exit(st);
    exec_command(n->argc, n->argv);
  case N_GROUP:
    exit(run(n->left));
  case N_PIPE:
    exit(run_pipe(n));
  default:
    exit(run(n));
  }
}

// Runs n from the shell itself and returns its exit status.
static int run(struct node *n)
{
  switch (n->kind) {
  case N_SEQ:
    run(n->left);
    return run(n->right);
  case N_BACK: {
    int pid = fork();
    if (pid == 0)
      run_here(n->left);
    return pid < 0 ? complain("sh", "fork", pid) : 0;
  }
  case N_CMD:
    // Builtins must change the shell itself, so they do not fork.
    if (n->argc > 0 && n->nredir == 0) {
      int st = builtin(n->argc, n->argv);
      if (st >= 0)
        return st;
    }
    break;
  default:
    break;
  }
  int pid = fork();
  if (pid == 0)
    run_here(n);
  if (pid < 0)
    return complain("sh", "fork", pid);
  return wait_for(pid);
}

static int run_line(const char *line)
{
  if (strlen(line) >= LINEMAX) {   // the word store is sized for LINEMAX
    fprintf(2, "sh: line too long\n");
    return 2;
  }
  struct node *tree = parse_line(line);
  if (parse_error) {
    fprintf(2, "sh: %s\n", parse_error);
    return 2;
  }
  return tree ? run(tree) : 0;
}

// ---- Input ----

static char line[LINEMAX];

// Reads one line from fd into `line` without the newline. Returns 1 for a
// line, 0 at end of input. An over-long line is discarded with a message.
static int read_line(int fd)
{
  int n = 0, too_long = 0;
  char c;
  int r;
  while ((r = read(fd, &c, 1)) == 1 && c != '\n') {
    if (n + 1 < LINEMAX)
      line[n++] = c;
    else
      too_long = 1;
  }
  line[n] = 0;
  if (too_long) {
    fprintf(2, "sh: line too long\n");
    line[0] = 0;
  }
  return r == 1 || n > 0;
}

int main(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "-v") == 0) {
    show_grants = 1;
    argv[1] = argv[0];
    argv++;
    argc--;
  }
  if (argc == 3 && strcmp(argv[1], "-c") == 0)
    return run_line(argv[2]);
  if (argc > 2 || (argc == 2 && strcmp(argv[1], "-c") == 0)) {
    fprintf(2, "usage: sh [-v] [-c LINE | FILE]\n");
    return 2;
  }
  int fd = 0;
  if (argc == 2) {
    fd = open(argv[1], O_RDONLY);
    if (fd < 0)
      fail("sh", argv[1], fd);
  }
  int status = 0;
  for (;;) {
    if (fd == 0)
      write(1, "$ ", 2);
    if (!read_line(fd))
      break;
    status = run_line(line);
  }
  // A script's status is that of its last command; the interactive shell
  // exits 0 at end of input.
  return fd == 0 ? 0 : status;
}
