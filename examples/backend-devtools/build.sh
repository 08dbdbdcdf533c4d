#!/bin/sh
# Builds the example backend bundle with javac and jar alone:
#   examples/backend-devtools/build.sh [DISTRIBUTION]
# DISTRIBUTION is a WebAccel distribution folder (default: ../../distribution/target/webaccel). The code
# compiles against two jars found there: the api bundle (bundle/*-org.webaccel.api-*.jar) and the Felix
# framework (lib/), which carries the OSGi core API. Set API_JAR and OSGI_JAR to use others, e.g.
# bundles/api/target/org.webaccel.api-*.jar and ~/.m2/repository/org/osgi/osgi.core/8.0.0/osgi.core-8.0.0.jar.
# Writes target/org.webaccel.example.backend-devtools.jar; drop it into the distribution's deploy/ folder.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
dist=${1:-$here/../../distribution/target/webaccel}

first() {
    # the first existing file among the arguments (a glob that matched nothing stays unexpanded)
    for f in "$@"; do
        if [ -f "$f" ]; then echo "$f"; return 0; fi
    done
    return 1
}

api=${API_JAR:-$(first "$dist"/bundle/*-org.webaccel.api-*.jar)} \
    || { echo "build.sh: no api bundle in $dist/bundle; give a distribution folder or set API_JAR" >&2; exit 2; }
osgi=${OSGI_JAR:-$(first "$dist"/lib/org.apache.felix.framework-*.jar)} \
    || { echo "build.sh: no Felix framework in $dist/lib; give a distribution folder or set OSGI_JAR" >&2; exit 2; }

rm -rf "$here/target"
mkdir -p "$here/target/classes"
# --release 17: the container runs on Java 17 and the manifest requires no more
javac --release 17 -Xlint:all -cp "$api:$osgi" -d "$here/target/classes" \
    $(find "$here/src" -name '*.java')
# the hand-written manifest: Bundle-SymbolicName, Import-Package, Bundle-Activator
jar --create --file "$here/target/org.webaccel.example.backend-devtools.jar" \
    --manifest "$here/META-INF/MANIFEST.MF" -C "$here/target/classes" .
echo "$here/target/org.webaccel.example.backend-devtools.jar"
