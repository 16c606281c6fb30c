#!/usr/bin/env bash
# The package as a user gets it: `npm pack` (which builds dist/ through
# `prepare`), `npm i -g` of the tarball into an empty prefix, then the bin run
# from another folder. Fails when the tarball carries tests, fixtures or
# sources it should not, when the install holds tsx or TypeScript, when it is
# over 45 MB, or when `--version` / `explain --demo` do not work.
# Prints `installed size: N MB` (npm run bench reads it). Run by .ci/run.
# `--keep DIR`: install into DIR and leave it (the bench times the installed bin).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
keep=""
if [ "${1:-}" = "--keep" ]; then keep="$2"; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "install check: $*" >&2; exit 1; }

cd "$work"
tarball="$(npm pack "$root" --silent --pack-destination "$work" | tail -n 1)"
[ -f "$work/$tarball" ] || fail "npm pack wrote no tarball"
listing="$(tar tzf "$work/$tarball")"
files="$(printf '%s\n' "$listing" | wc -l)"
if printf '%s\n' "$listing" | grep -E '^package/(test|events|functions)/|\.test\.|^package/lib/.*\.ts$|^package/node_modules/' >/dev/null; then
  fail "the tarball carries files it should not: $(printf '%s\n' "$listing" | grep -E '^package/(test|events|functions)/|\.test\.|^package/lib/.*\.ts$' | head -3 | tr '\n' ' ')"
fi
printf '%s\n' "$listing" | grep -qx 'package/dist/cli.js' || fail "the tarball has no dist/cli.js"
printf '%s\n' "$listing" | grep -qx 'package/dist/types/lib/index.d.ts' || fail "the tarball has no type declarations"

prefix="${keep:-$work/prefix}"
rm -rf "$prefix" && mkdir -p "$prefix"
npm install --global --prefix "$prefix" --prefer-offline --no-audit --no-fund --loglevel=error "$work/$tarball" >/dev/null
installed="$prefix/lib/node_modules/trustwatch"
for dev in tsx typescript esbuild @middy/core @aws-lambda-powertools/logger @aws-sdk/client-dynamodb; do
  [ ! -e "$installed/node_modules/$dev" ] || fail "the install holds $dev, which the CLI does not need"
done
kb="$(du -sk "$installed" | cut -f1)"
mb="$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }')"
[ "$kb" -le $((45 * 1024)) ] || fail "installed size ${mb} MB is over 45 MB"

mkdir -p "$work/elsewhere" && cd "$work/elsewhere"
bin="$prefix/bin/trustwatch"
want="trustwatch $(node -p "require('$root/package.json').version")"
got="$(env -u NODE_OPTIONS "$bin" --version)"
[ "$got" = "$want" ] || fail "\`trustwatch --version\` printed \`$got\`, expected \`$want\`"
event="$(ls "$root"/events/*.json | head -n 1)"
out="$(env -u NODE_OPTIONS "$bin" explain --demo --format json "$event")" || fail "\`trustwatch explain --demo\` exited $?"
node -e 'const o = JSON.parse(process.argv[1]); if (!(o.diagnoses.length >= 1)) process.exit(1);' "$out" \
  || fail "\`trustwatch explain --demo\` printed no diagnosis"
set +e
env -u NODE_OPTIONS "$bin" explain --no-such-option "$event" >/dev/null 2>"$work/err"
status=$?
set -e
[ "$status" = 2 ] && [ "$(wc -l <"$work/err")" = 1 ] || fail "an unknown option did not exit 2 with one line (exit $status)"
# The library API from the installed package: imported by a program (ESM `exports`) and
# type-checked against the declarations a TypeScript user gets.
consumer="$work/consumer"
mkdir -p "$consumer/node_modules"
ln -s "$installed" "$consumer/node_modules/trustwatch"
printf '{ "type": "module" }\n' >"$consumer/package.json"
cat >"$consumer/use.ts" <<'TS'
import { readFileSync } from 'node:fs';
import { type Diagnosis, explain, render, snapshotSource, VERSION } from 'trustwatch';

const [snapshotFile, eventFile] = process.argv.slice(2) as [string, string];
const out = await explain(readFileSync(eventFile, 'utf8'), {
  source: snapshotSource(readFileSync(snapshotFile, 'utf8'), snapshotFile),
});
const first: Diagnosis | undefined = out.diagnoses[0];
process.stdout.write(`${VERSION} ${first?.causes[0]?.code ?? 'none'} ${render(out, 'json').length > 0}\n`);
TS
node "$root/node_modules/typescript/bin/tsc" --noEmit --strict --target es2022 --module nodenext \
  --moduleResolution nodenext --types node --typeRoots "$root/node_modules/@types" "$consumer/use.ts" \
  || fail "a TypeScript program using the library API does not type-check against the installed declarations"
cp "$consumer/use.ts" "$consumer/use.mjs"
sed -i 's/type Diagnosis, //; s/ as \[string, string\]//; s/const first: Diagnosis | undefined =/const first =/' "$consumer/use.mjs"
lib_out="$(cd "$consumer" && node use.mjs "$root/lib/snapshot/demo-snapshot.json" "$event")" \
  || fail "importing the library from the installed package failed"
[ "$lib_out" = "$(node -p "require('$root/package.json').version") TRUST_PRINCIPAL_NOT_TRUSTED true" ] \
  || fail "the library API explained \`$(basename "$event")\` as \`$lib_out\`"

echo "install check: ok: $files files in $tarball, installed size: $mb MB, \`$got\` and \`explain --demo\` run from another folder, the library API imports and type-checks"
