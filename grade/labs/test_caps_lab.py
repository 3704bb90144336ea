"""Lab caps: rights checking and attenuation (stage A), revocation (B) and
transfer through channels (C).

The tests run cases of the in-guest capability suites: user/captest.c and
user/chantest.c print "CT <case> PASS" or "CT <case> FAIL <reason>". Each
case checks the kernel's audit before and after (no record, slot or file
leaked, no inconsistency).
"""

import guest


def _cases(vm, prog, tag, *cases, timeout=120):
    for case in cases:
        guest.run_case(vm, prog, tag, case, timeout)


def _captest(vm, *cases):
    _cases(vm, "captest", "CT", *cases)


def _chantest(vm, *cases):
    _cases(vm, "chantest", "CT", *cases)


# ---------------------------------------------------------------- A: rights

def test_rights_gate(vm):
    # read/write/fstat/dup/cap_dup/cap_revoke each need their right.
    _captest(vm, "rights_gate")


def test_dup_every_subset(vm):
    # cap_dup to every subset of the rights (exact), more is -E_RIGHTS;
    # a derived capability derives again only with fewer rights.
    _captest(vm, "dup_all_subsets", "dup_of_dup")


def test_restrict_and_inherit(vm):
    # cap_restrict only shrinks; a child's inherited slots cannot widen.
    _captest(vm, "restrict_then_dup", "fork_inherits")


# ---------------------------------------------------------------- B: revocation

def test_revoke_tree(vm):
    # Revoke reaches the whole subtree (and nothing else); a revoked slot
    # stays revoked in a child; ids are never reused.
    _captest(vm, "revoke_tree", "fork_revoked")


def test_revoke_after_delete(vm):
    # Deleting a record in the middle of the tree keeps its children
    # within reach of the revoke of an ancestor.
    _captest(vm, "delete_middle")


def test_revoke_across_processes(vm):
    # One revoke in the parent cuts off copies in child and grandchild.
    _captest(vm, "revoke_three_procs")


def test_revoke_concurrent(vm):
    # Other harts hammer read() while the parent revokes: once revoke has
    # returned, no read succeeds anywhere (the VM has 3 harts).
    _captest(vm, "revoke_concurrent")


# ---------------------------------------------------------------- C: transfer

def test_transfer_rights_matrix(vm):
    # SEND, GRANT and TRANSFER for every subset of the rights; a
    # capability arrives with exactly the rights it was sent with.
    _chantest(vm, "chan_rights_matrix")


def test_transfer_whole_message(vm):
    # A message arrives whole or not at all; a refused send keeps no record.
    _chantest(vm, "chan_whole_or_nothing")


def test_revoke_in_flight(vm):
    # Revoke reaches capabilities queued in a channel and ones passed on
    # through three processes.
    _chantest(vm, "chan_revoke_in_flight", "chan_revoke_three_procs")


def test_confused_deputy(vm):
    # A server acting with the client's capability cannot be tricked into
    # using its own authority.
    _chantest(vm, "chan_confused_deputy")
