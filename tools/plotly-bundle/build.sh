#!/usr/bin/env bash
# Rebuilds the partial Plotly bundle that Sharaka serves (budget_app/static/vendor/), from the
# npm registry's plotly.js at the version pinned in package.json / package-lock.json.
#
#   tools/plotly-bundle/build.sh          rebuild, write the bundle (.js, .js.br, .js.gz) and its manifest
#   tools/plotly-bundle/build.sh --check  rebuild into a temporary file; fail if it differs
#
# Only the trace types the app draws are registered (entry.js; Plotly documents custom bundles
# from plotly.js/lib/* modules), plus Plotly's Arabic locale. The built file is committed, so
# `make run` needs no Node.js. Needs Node.js 18+ and npm, only to rebuild.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out_dir="$root/budget_app/static/vendor"
cd "$here"
npm ci --no-audit --no-fund --silent
version="$(node -p 'require("plotly.js/package.json").version')"
traces="$(node -e 'const s=require("fs").readFileSync("entry.js","utf8");
  console.log(JSON.stringify([...s.matchAll(/plotly\.js\/lib\/([a-z0-9]+)"/g)].map(m=>m[1]).filter(t=>t!=="core")))')"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
npx --no-install esbuild entry.js --bundle --minify --format=iife --target=es2017 --define:global=globalThis \
  --legal-comments=none --log-level=error --outfile="$tmp/plotly.min.js"
# esbuild also emits the CSS that plotly.js imports for maps; no map trace is bundled.
rm -f "$tmp/plotly.min.css"
{ printf '/* plotly.js %s (MIT, Plotly, Inc.) partial bundle: %s + locale ar. Built by tools/plotly-bundle/build.sh */\n' \
    "$version" "$traces"; cat "$tmp/plotly.min.js"; } > "$tmp/bundle.js"
sha="$(sha256sum "$tmp/bundle.js" | cut -d' ' -f1)"
manifest="{\"plotly.js\": \"$version\", \"traces\": $traces, \"locales\": [\"ar\"], \"file\": \"plotly-partial.min.js\", \"sha256\": \"$sha\"}"
if [ "${1:-}" = "--check" ]; then
  if ! cmp -s "$tmp/bundle.js" "$out_dir/plotly-partial.min.js"; then
    echo "the committed bundle differs from a fresh build (sha256 $sha)"; exit 1
  fi
  echo "bundle reproduced: sha256 $sha"; exit 0
fi
mkdir -p "$out_dir"
cp "$tmp/bundle.js" "$out_dir/plotly-partial.min.js"
# Compressed once here, at the highest settings (Brotli 11 takes ~20 s, too slow per request).
node -e 'const z=require("zlib"),fs=require("fs"),f=process.argv[1],d=fs.readFileSync(f);
  fs.writeFileSync(f+".br",z.brotliCompressSync(d,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,
    [z.constants.BROTLI_PARAM_SIZE_HINT]:d.length}}));
  fs.writeFileSync(f+".gz",z.gzipSync(d,{level:9}));' "$out_dir/plotly-partial.min.js"
echo "$manifest" | python3 -m json.tool > "$out_dir/plotly-bundle.json"
echo "wrote $out_dir/plotly-partial.min.js ($(wc -c < "$out_dir/plotly-partial.min.js") bytes, sha256 $sha)"
