#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (as root, in
# /autograder/source, the unpacked zip made by `make gradescope LAB=<name>`).
# It installs the Debian/Ubuntu packages Zenith needs (tools/deps.sh: apt-get,
# no pip) and builds the clean handout once, so each submission only rebuilds
# the files it changes.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
HANDOUT="$ROOT/source/handout"
"$HANDOUT/tools/deps.sh"
make -C "$HANDOUT" --no-print-directory -j"$(nproc)" all
echo "zenith autograder ready: lab $(cat "$HANDOUT/labs/HANDOUT")"
