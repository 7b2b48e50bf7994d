#!/usr/bin/env bash
# Refresh the vendored front-end assets under static/vendor from the npm registry.
# Versions are pinned in package.json (and package-lock.json); bump them there, then run
# this script and commit what it changes. The quick start never needs Node.
set -euo pipefail
cd "$(dirname "$0")/.."

# The packages' minified files end with a sourceMappingURL comment naming a .map file we do
# not vendor. The hashed-manifest storage (collectstatic) follows that reference and stops
# when the file is missing, so the comment is dropped from every file copied.
strip_source_map() {
  sed -E -e 's#/\*[#@] sourceMappingURL=[^*]*\*/##' -e 's#//[#@] sourceMappingURL=[^[:space:]]*$##' "$@"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json package-lock.json "$work"/ 2>/dev/null || cp package.json "$work"/
(cd "$work" && npm ci --no-audit --no-fund --ignore-scripts 2>/dev/null \
  || npm install --no-audit --no-fund --ignore-scripts)
[ -f package-lock.json ] || cp "$work/package-lock.json" .

nhsuk="$work/node_modules/nhsuk-frontend"
version=$(node -p "require('$nhsuk/package.json').version")
dest=static/vendor/nhsuk-frontend
rm -rf "$dest" && mkdir -p "$dest"
# The stylesheet asks for its images at /assets/...; point it at the copies beside it.
sed 's#url(/assets/#url(assets/#g' "$nhsuk/dist/nhsuk/nhsuk-frontend.min.css" \
  | strip_source_map > "$dest/nhsuk-frontend.min.css"
strip_source_map "$nhsuk/dist/nhsuk/nhsuk-frontend.min.js" > "$dest/nhsuk-frontend.min.js"
cp -r "$nhsuk/dist/nhsuk/assets" "$dest/assets"
cp "$nhsuk/LICENSE"* "$dest/" 2>/dev/null || true
echo "$version" > "$dest/VERSION"

htmx="$work/node_modules/htmx.org"
mkdir -p static/vendor/htmx
strip_source_map "$htmx/dist/htmx.min.js" > static/vendor/htmx/htmx.min.js
cp "$htmx/LICENSE" static/vendor/htmx/ 2>/dev/null || true
node -p "require('$htmx/package.json').version" > static/vendor/htmx/VERSION

cyto="$work/node_modules/cytoscape"
mkdir -p static/vendor/cytoscape
strip_source_map "$cyto/dist/cytoscape.min.js" > static/vendor/cytoscape/cytoscape.min.js
cp "$cyto/LICENSE" static/vendor/cytoscape/ 2>/dev/null || true
node -p "require('$cyto/package.json').version" > static/vendor/cytoscape/VERSION

echo "Vendored cytoscape $(cat static/vendor/cytoscape/VERSION)."
echo "Vendored nhsuk-frontend $version and htmx $(cat static/vendor/htmx/VERSION) under static/vendor."
