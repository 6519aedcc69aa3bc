# README.md, run as a new user would (tests/test_readme.py): every fenced block, in order, in a
# copy of the source tree that reuses this build's outputs (README_BUILD), with $HOME inside the
# copy; make install PREFIX=$HOME/.local, the C example through pkg-config, the Python example,
# the crontab entry's pdrift command. -rfEs lists failures and the one skipped block (make
# check itself).
.PHONY: check-readme
CHECK_MORE += check-readme

check-readme: all
	README_BUILD=$(abspath $(B)) PYTHON=$(PYTHON) \
	    $(PYTHON) -m pytest -q -rfEs -p no:cacheprovider tests/test_readme.py
