#!/usr/bin/env bash
# Compile what this project adds to Multi Model Server (plugins/):
#   tools/build-plugin.sh MODEL_SERVER_JAR OUTPUT_DIR
# writes OUTPUT_DIR/autoai-mms-plugins.jar, the plugins (GET /execution-parameters, and the URL
# handler that refuses model downloads), which MMS loads from its plugins_path, and
# OUTPUT_DIR/mms-fixes/, our replacements of MMS classes (the response decoder, the batch
# aggregator) that `serve` puts first on MMS's class path. MODEL_SERVER_JAR is the model-server.jar
# inside the multi-model-server package: it carries the software.amazon.ai.mms.servingsdk classes
# and the MMS classes these compile against. The image's plugin stage and `make plugin` run this.
set -euo pipefail
mms_jar=$1
output=$2
here=$(cd "$(dirname "$0")/.." && pwd)
classes=$(mktemp -d)
trap 'rm -rf "$classes"' EXIT

mapfile -t sources < <(find "$here/plugins/src" "$here/plugins/mms-fixes" -name '*.java' | sort)
javac --release 11 -Xlint:all,-processing -Werror -proc:none -cp "$mms_jar" -d "$classes" "${sources[@]}"
rm -rf "$output/mms-fixes" "$output/autoai-mms-plugins.jar"
mkdir -p "$output/mms-fixes"
mv "$classes/com" "$output/mms-fixes/"
# which MMS classes those replace, and their hashes: serve checks the MMS it runs against them
cp "$here/plugins/mms-fixes/replaced-classes.txt" "$output/"
cp -r "$here/plugins/META-INF" "$classes/"
jar --create --file "$output/autoai-mms-plugins.jar" -C "$classes" .
