# suite-hooks.bash - the bats hooks most integration suites share (load it after
# helpers): a fresh bundle and a debris snapshot per test, helpers' teardown after each
# test and after the file.

setup() {
	hull_setup
	debris_snapshot
}

teardown() {
	hull_teardown
}

teardown_file() {
	hull_teardown_file
}
