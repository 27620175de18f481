#!/usr/bin/env bash
# Prepares the CUDA backend's GPU check: builds everything here, then fills a bundle folder
# (default .bundle/ at the repository root, which git ignores) with what run-gpu.sh needs on a GPU
# machine that has no Java and no network:
#   jre.tgz, junit-console.jar, unpack.sh   from ../shared/gpu/make-bundle (JUnit console 1.14.1)
#   lib/distill4j.jar                        the CLI's shaded jar (core, backends, JCuda, ...; not the ONNX modules,
#                                            which sit in examples/cli/target/onnx/ and stay out), without
#                                            JCuda's nvPTXCompiler natives, which the backend never uses
#   lib/distill4j-core-tests.jar             the conformance and engine suites
#   lib/distill4j-backend-cuda-tests.jar     the CUDA test classes
#   lib/ejml-*.jar                           the conformance suite's gemm oracle (test scope)
#   bench/distill4j-bench.jar, bench/jmh-*.jar the JMH training-step benchmark (DistillStepBench) and JMH
#   data/mnist/*.gz                          MNIST for the demo and the teacher runs (from $MNIST_DIR)
#   run-gpu.sh                               the script to run there: bash .bundle/run-gpu.sh
# Usage: gpu/prepare.sh [BUNDLE_DIR]. Environment: JAVA_HOME (JDK 25), MNIST_DIR (default
# <repo>/data/mnist, filled by ./distill4j fetch mnist), MAKE_BUNDLE (default ../shared/gpu/make-bundle next to the repository).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bundle=$(realpath -m "${1:-$root/.bundle}")
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
mnist=${MNIST_DIR:-$root/data/mnist}
make_bundle=${MAKE_BUNDLE:-$root/../shared/gpu/make-bundle}
version=0.1.0-SNAPSHOT

for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [ -f "$mnist/$f" ] || [ -f "$mnist/$f.gz" ] || { echo "prepare.sh: $mnist/$f missing (set MNIST_DIR)" >&2; exit 1; }
done
[ -x "$make_bundle" ] || [ -f "$make_bundle" ] || { echo "prepare.sh: $make_bundle not found (set MAKE_BUNDLE)" >&2; exit 1; }

echo "== building (mvn package, tests compiled but not run)"
mvn -B -q -DskipTests package

echo "== bundle in $bundle"
rm -rf "$bundle"
JUNIT_CONSOLE_VERSION=1.14.1 bash "$make_bundle" "$bundle"
mkdir -p "$bundle/lib" "$bundle/data/mnist"

cp examples/cli/target/distill4j.jar "$bundle/lib/distill4j.jar"
zip -q -d "$bundle/lib/distill4j.jar" 'lib/libJNvPTXCompiler-*' >/dev/null
cp "core/target/distill4j-core-$version-tests.jar" "$bundle/lib/distill4j-core-tests.jar"
jar="$JAVA_HOME/bin/jar"
"$jar" --create --file "$bundle/lib/distill4j-backend-cuda-tests.jar" -C backend-cuda/target/test-classes .
# Test-scope jars the shaded jar lacks: only EJML (JUnit comes with the console launcher).
mvn -B -q -pl backend-cuda dependency:copy-dependencies -DincludeScope=test -DincludeGroupIds=org.ejml \
  -DoutputDirectory="$bundle/lib"

mkdir -p "$bundle/bench"
"$jar" --create --file "$bundle/bench/distill4j-bench.jar" -C bench/target/classes .
mvn -B -q -pl bench dependency:copy-dependencies -DincludeScope=runtime \
  -DincludeArtifactIds=jmh-core,jopt-simple,commons-math3 -DoutputDirectory="$bundle/bench"

for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  if [ -f "$mnist/$f.gz" ]; then
    cp "$mnist/$f.gz" "$bundle/data/mnist/"
  else
    gzip -9 -c "$mnist/$f" > "$bundle/data/mnist/$f.gz"
  fi
done

cp gpu/run-gpu.sh "$bundle/run-gpu.sh"
chmod +x "$bundle/run-gpu.sh"

size=$(du -sm "$bundle" | cut -f1)
echo "== $bundle: ${size} MiB (the device tool carries at most 64 MiB with the working tree)"
ls -la "$bundle" "$bundle/lib"
if [ "$size" -gt 56 ]; then
  echo "prepare.sh: the bundle is over 56 MiB; it may not fit next to the working tree" >&2
  exit 1
fi
