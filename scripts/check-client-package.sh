#!/usr/bin/env bash
# Packs @paddock/client as `npm publish` would, checks what the tarball holds, then
# installs it in an empty project and imports it there, from JavaScript and TypeScript.
# Usage: scripts/check-client-package.sh [work-dir]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
package="$root/packages/client"

tarball="$work/$(cd "$package" && npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB)"

listing="$(tar -tzf "$tarball")"
for needed in package/package.json package/README.md package/LICENSE \
  package/dist/index.js package/dist/index.d.ts package/dist/generated/protocol.js \
  package/dist/generated/protocol.d.ts; do
  grep -qx "$needed" <<<"$listing" || { echo "missing from the tarball: $needed" >&2; exit 1; }
done
if grep -Eq '^package/(src|test|examples|node_modules)/' <<<"$listing"; then
  echo "the tarball holds sources or tests:" >&2
  grep -E '^package/(src|test|examples|node_modules)/' <<<"$listing" >&2
  exit 1
fi

node - "$package/package.json" <<'JS'
const pkg = require(process.argv[2]);
const problems = [];
if (pkg.name !== "@paddock/client") problems.push("name");
if (!/^\d+\.\d+\.\d+/.test(pkg.version)) problems.push("version");
if (pkg.license !== "MIT") problems.push("license");
if (!pkg.repository?.url || pkg.repository.directory !== "packages/client") problems.push("repository");
if (pkg.exports?.["."]?.types !== "./dist/index.d.ts" || pkg.types !== "./dist/index.d.ts") problems.push("types");
if (pkg.exports?.["."]?.import !== "./dist/index.js") problems.push("exports");
if (Object.keys(pkg.dependencies ?? {}).length) problems.push("runtime dependencies");
if (!pkg.peerDependenciesMeta?.ws?.optional) problems.push("ws must be an optional peer");
if (problems.length) { console.error("package.json: " + problems.join(", ")); process.exit(1); }
JS

consumer="$work/consumer"
rm -rf "$consumer" && mkdir -p "$consumer"
cd "$consumer"
printf '{"name":"consumer","private":true,"type":"module"}\n' >package.json
npm install --silent --no-audit --no-fund "$tarball" "ws@$(node -p "require('$package/package.json').devDependencies.ws")" \
  "typescript@$(node -p "require('$package/package.json').devDependencies.typescript")" \
  "@types/node@$(node -p "require('$package/package.json').devDependencies['@types/node']")"
node --input-type=module -e "
import { PaddockClient, PaddockError, PROTOCOL_VERSION } from '@paddock/client';
const client = new PaddockClient({ url: 'http://127.0.0.1:9' });
if (typeof client.login !== 'function' || !(new PaddockError('closed', 'x') instanceof Error)) process.exit(1);
console.log('imported @paddock/client, protocol ' + PROTOCOL_VERSION);
"
cat >consumer.ts <<'TS'
import { PaddockClient, type ServerMessage } from "@paddock/client";
const client = new PaddockClient({ url: "https://paddock.example" });
client.on("frame", (frame: ServerMessage) => {
  if (frame.type === "message") console.log(frame.body.length);
});
export const seq: Promise<number> = client.channel("x").post("Bonjour");
TS
npx tsc --noEmit --strict --module nodenext --moduleResolution nodenext --target es2022 --types node consumer.ts
echo "the packed library type-checks in a TypeScript project"
