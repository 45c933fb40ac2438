#!/bin/sh
# Run by `npm start` and `npm test` first: installs the locked dependencies (and with them the pinned Node 24) when missing or stale.
set -eu
cd "$(dirname "$0")/.."

# npm writes node_modules/.package-lock.json at each install: a lock file newer than it has changed since.
if [ ! -x node_modules/.bin/node ] || [ ! -f node_modules/.package-lock.json ] ||
  [ -n "$(find package-lock.json -newer node_modules/.package-lock.json)" ]; then
  npm ci --no-audit --no-fund
fi

version=$(node_modules/.bin/node --version)
case "$version" in
  v24.*) ;;
  *)
    echo "keel: node_modules/.bin/node is $version, but Keel needs Node 24 (the pinned \"node\" devDependency); run npm ci" >&2
    exit 1
    ;;
esac
