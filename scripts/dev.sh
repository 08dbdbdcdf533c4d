#!/usr/bin/env bash
# Sets up a fresh Debian machine for WebAccel and then either starts the container or runs every test.
#   scripts/dev.sh run    install what is missing, build, start the Felix container with the Gogo shell
#   scripts/dev.sh test   install what is missing, build and run all tests (the command CI runs)
#   scripts/dev.sh bench  install what is missing, build and run the benchmark and the placement microbenchmark (harness/target/bench/)
#   scripts/dev.sh bench-scheduling  the same for the scheduling benchmark (harness/target/bench/scheduling/)
#   scripts/dev.sh soak [MINUTES]    the soak benchmark on the built distribution (harness/target/bench/soak/)
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: $0 run|test|bench|bench-scheduling|soak [-- extra arguments for bin/webaccel or mvn]" >&2
    exit 2
}
[ $# -ge 1 ] || usage
mode=$1
shift

# Debian packages: the browsers the backends drive, and the build tools.
packages=()
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
command -v chromedriver >/dev/null 2>&1 || packages+=(chromium-driver)
command -v firefox-esr >/dev/null 2>&1 || packages+=(firefox-esr)
command -v java >/dev/null 2>&1 || packages+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null 2>&1 || packages+=(maven)
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)
# The ONNX project's own schema (onnx-ml.proto), compiled by the build (bundles/onnx-schema).
[ -f /usr/lib/python3/dist-packages/onnx/onnx-ml.proto ] || packages+=(python3-onnx)
# speech for the real-model tests (openWakeWord on a synthesised "hey jarvis")
command -v espeak-ng >/dev/null 2>&1 || packages+=(espeak-ng)
if [ ${#packages[@]} -gt 0 ]; then
    echo "installing Debian packages: ${packages[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi

# Playwright must never try to download a browser: the backends use the Debian ones.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

case "$mode" in
    run)
        mvn -B -q -DskipTests package
        exec distribution/target/webaccel/bin/webaccel "$@"
        ;;
    test)
        exec mvn -B verify "$@"
        ;;
    bench)
        # Builds what the harness needs and runs only the full benchmark (a few minutes): table on the
        # console, benchmark.{txt,md,json,png} in harness/target/bench/.
        exec mvn -B verify -pl harness -am -Dtest=FullBenchmark,PlacementMicrobenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
        ;;
    bench-scheduling)
        # Workers, dynamic batching and placement policies with Chromium and Firefox (about ten minutes).
        exec mvn -B verify -pl harness -am -Dtest=FullSchedulingBenchmark -Dsurefire.failIfNoSpecifiedTests=false "$@"
        ;;
    soak)
        # A large-input minute, then MINUTES (default 10; 60 for a release) of mixed load over HTTP, sampled
        # after forced full collections: heap, request memory, browsers' PSS, processes, DuckDB file.
        minutes=10
        if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then minutes=$1; shift; fi
        exec mvn -B verify -pl harness -am -Dtest=SoakBenchmark -Dsurefire.failIfNoSpecifiedTests=false \
            -Dwebaccel.soak.minutes="$minutes" "$@"
        ;;
    *)
        usage
        ;;
esac
