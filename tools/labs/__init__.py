"""Host-side lab machinery: handout generation (handout.py, markers.py),
`make verify-labs` (verify.py) and the Gradescope bundle (gradescope.py).
Lab manifests are read by grade/manifest.py, which handouts carry too."""
