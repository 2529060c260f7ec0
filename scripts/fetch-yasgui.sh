#!/usr/bin/env bash
# Fetch the YASGUI query editor (@zazuko/yasgui, MIT) from the npm registry and copy the
# browser bundle into src/clustergraph/web/static/yasgui/, so the package serves the query UI
# itself: no CDN, works offline.
#
#   scripts/fetch-yasgui.sh            # the pinned version, checked against its known hashes
#   YASGUI_VERSION=4.7.0 scripts/fetch-yasgui.sh   # another version (hashes are then recorded, not checked)
#
# Needs node + npm. Writes yasgui.min.js, yasgui.min.css, LICENSE (YASGUI's licence),
# THIRD-PARTY-LICENSES.txt (the licences of the packages bundled into yasgui.min.js) and
# SOURCE.md (version, registry integrity, file hashes).
set -euo pipefail

PINNED_VERSION="4.6.2"
PINNED_JS_SHA256="55034eaac74c55f55fbd1eeed008ae38a79053651cbed2b453f1fcfd895a4b75"
PINNED_CSS_SHA256="085b94556b97f9928981bdedb6848fd11ad4d8d950e821f0d698c58ca538fc55"

VERSION="${YASGUI_VERSION:-$PINNED_VERSION}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/clustergraph/web/static/yasgui"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v npm >/dev/null || { echo "fetch-yasgui: npm is needed (apt-get install -y npm)" >&2; exit 2; }

cd "$WORK"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --omit=dev --save-exact "@zazuko/yasgui@$VERSION" >&2
PKG="node_modules/@zazuko/yasgui"
installed="$(node -p "require('./$PKG/package.json').version")"
[ "$installed" = "$VERSION" ] || { echo "fetch-yasgui: got $installed, wanted $VERSION" >&2; exit 1; }

js_sha="$(sha256sum "$PKG/build/yasgui.min.js" | cut -d' ' -f1)"
css_sha="$(sha256sum "$PKG/build/yasgui.min.css" | cut -d' ' -f1)"
if [ "$VERSION" = "$PINNED_VERSION" ]; then
  [ "$js_sha" = "$PINNED_JS_SHA256" ] || { echo "fetch-yasgui: yasgui.min.js hash $js_sha is not the pinned one" >&2; exit 1; }
  [ "$css_sha" = "$PINNED_CSS_SHA256" ] || { echo "fetch-yasgui: yasgui.min.css hash $css_sha is not the pinned one" >&2; exit 1; }
fi

mkdir -p "$DEST"
cp "$PKG/build/yasgui.min.js" "$PKG/build/yasgui.min.css" "$DEST/"

# The npm package ships no LICENSE file; its package.json declares MIT. The licence text is
# written from that declaration and the package's own author/contributor fields.
node - "$PKG/package.json" >"$DEST/LICENSE" <<'JS'
const pkg = require(require("path").resolve(process.argv[2]));
if (pkg.license !== "MIT") { console.error(`licence is ${pkg.license}, not MIT`); process.exit(1); }
const who = [pkg.author, ...(pkg.contributors || []).map((c) => c.name || c)].filter(Boolean).join(", ");
process.stdout.write(`${pkg.name} ${pkg.version} (${pkg.homepage})
Licence declared by the package: MIT. The npm package carries no LICENSE file; this is the
MIT licence text for it.

MIT License

Copyright (c) ${who}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`);
JS

# yasgui.min.js bundles its dependencies (CodeMirror, jQuery, DataTables, ...): keep their notices.
node - >"$DEST/THIRD-PARTY-LICENSES.txt" <<'JS'
const fs = require("fs"), path = require("path");
const root = "node_modules";
const dirs = [];
for (const name of fs.readdirSync(root).sort()) {
  if (name.startsWith(".")) continue;
  if (name.startsWith("@")) for (const sub of fs.readdirSync(path.join(root, name)).sort()) dirs.push(path.join(root, name, sub));
  else dirs.push(path.join(root, name));
}
let out = "Licences of the npm packages installed with @zazuko/yasgui (production dependencies),\nwhose code is bundled into yasgui.min.js.\n";
for (const dir of dirs) {
  const pkgFile = path.join(dir, "package.json");
  if (!fs.existsSync(pkgFile)) continue;
  const pkg = JSON.parse(fs.readFileSync(pkgFile, "utf8"));
  const files = fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f)).sort();
  out += `\n${"=".repeat(78)}\n${pkg.name} ${pkg.version} (licence: ${JSON.stringify(pkg.license || pkg.licenses || "see text")})\n${"=".repeat(78)}\n`;
  out += files.length ? files.map((f) => fs.readFileSync(path.join(dir, f), "utf8").trim()).join("\n\n") + "\n" : "(the package carries no licence file; see the declared licence above)\n";
}
process.stdout.write(out);
JS

integrity="$(node -p "require('./package-lock.json').packages['$PKG'].integrity")"
cat >"$DEST/SOURCE.md" <<EOF
# YASGUI browser bundle

- Package: \`@zazuko/yasgui@$VERSION\` from the npm registry (MIT; see LICENSE and THIRD-PARTY-LICENSES.txt).
- Registry integrity of the package tarball: \`$integrity\`
- Files copied unchanged from the package's \`build/\` folder:
  - \`yasgui.min.js\` sha256 \`$js_sha\`
  - \`yasgui.min.css\` sha256 \`$css_sha\`
- Refresh with \`scripts/fetch-yasgui.sh\` (needs npm).
EOF

echo "fetch-yasgui: @zazuko/yasgui $VERSION -> $DEST ($(du -sh "$DEST" | cut -f1))"
