#!/usr/bin/env bash
# Compile the Multi Model Server plugins (plugins/: GET /execution-parameters) into one jar.
#   tools/build-plugin.sh MODEL_SERVER_JAR OUTPUT_JAR
# MODEL_SERVER_JAR is the model-server.jar inside the multi-model-server package: it carries the
# software.amazon.ai.mms.servingsdk classes the plugin compiles against. The image's plugin stage
# and `make plugin` both run this.
set -euo pipefail
mms_jar=$1
output=$2
here=$(cd "$(dirname "$0")/.." && pwd)
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT

javac --release 11 -Xlint:all,-processing -Werror -proc:none -cp "$mms_jar" -d "$classes" \
  $(find "$here/plugins/src" -name '*.java' | sort)
cp -r "$here/plugins/META-INF" "$classes/"
mkdir -p "$(dirname "$output")"
jar --create --file "$output" -C "$classes" .
