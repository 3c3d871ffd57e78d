# Shared by the bench scripts: builds the bench module, copies its classpath to a private directory
# (a later build replacing jars under a running JVM can break it), and sets the runtime environment.
# Sets: root, jars (classpath directory), JAVA_BENCH (java with the common flags).
root="$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)"
(cd "$root" && mvn -B -q -DskipTests package -pl bench -am) >&2
jars="$(mktemp -d)"
trap 'rm -rf "$jars"' EXIT
cp "$root"/bench/target/plora-bench-0.1.0-SNAPSHOT.jar "$root"/bench/target/lib/*.jar "$jars"/
export DJL_CACHE_DIR="${DJL_CACHE_DIR:-$root/.cache/djl}"
export PLORA_HOME="${PLORA_HOME:-$root/.cache/plora}"
JAVA_BENCH=(java -Xmx8g -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$jars/*")
