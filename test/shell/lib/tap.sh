# test/shell/tap.sh: TAP helpers for the shell tests (sourced, not run).
#
#   ok STATUS NAME    one test: passes when STATUS is 0
#   diag              standard input as TAP comments
#   tap_exit          exit 0 if every test passed

tests=0
failures=0

ok() {
    tests=$((tests + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tests - $2"
    else
        echo "not ok $tests - $2"
        failures=$((failures + 1))
    fi
}

diag() {
    sed 's/^/# /'
}

tap_exit() {
    [ "$failures" -eq 0 ]
}
