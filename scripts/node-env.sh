# shellcheck shell=bash
# Sourced by ./openpim and scripts/test: puts a Node >= 24 first on PATH (fetching Node 24 from
# the npm registry into .openpim/node when the machine has none) and installs npm dependencies
# when package-lock.json changed since the last install.
OPENPIM_NODE_VERSION="${OPENPIM_NODE_VERSION:-24.21.0}"
OPENPIM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

openpim_log() { printf 'openpim: %s\n' "$*" >&2; }

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node() {
  local local_node="$OPENPIM_ROOT/.openpim/node/bin/node"
  if [ -x "$local_node" ] && [ "$(node_major "$local_node")" -ge 24 ]; then
    export PATH="$OPENPIM_ROOT/.openpim/node/bin:$PATH"; return 0
  fi
  if command -v node >/dev/null 2>&1 && [ "$(node_major node)" -ge 24 ]; then return 0; fi
  command -v npm >/dev/null 2>&1 || { openpim_log "needs Node >= 24, or npm to fetch it"; return 1; }
  local arch
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) openpim_log "no Node 24 package for $(uname -m); install Node >= 24 yourself"; return 1 ;;
  esac
  local pkg="node-linux-$arch@$OPENPIM_NODE_VERSION" tmp
  openpim_log "fetching Node $OPENPIM_NODE_VERSION ($pkg) from the npm registry…"
  tmp="$(mktemp -d)"
  ( cd "$tmp" && npm pack --silent "$pkg" >/dev/null ) || { rm -rf "$tmp"; openpim_log "could not fetch $pkg"; return 1; }
  mkdir -p "$tmp/x" && tar xzf "$tmp"/*.tgz -C "$tmp/x"
  rm -rf "$OPENPIM_ROOT/.openpim/node" && mkdir -p "$OPENPIM_ROOT/.openpim"
  mv "$tmp/x/package" "$OPENPIM_ROOT/.openpim/node" && rm -rf "$tmp"
  export PATH="$OPENPIM_ROOT/.openpim/node/bin:$PATH"
  openpim_log "using $(node -v) from .openpim/node"
}

ensure_deps() {
  local stamp="$OPENPIM_ROOT/node_modules/.openpim-lock"
  if [ -f "$stamp" ] && cmp -s "$stamp" "$OPENPIM_ROOT/package-lock.json"; then return 0; fi
  openpim_log "installing dependencies…"
  ( cd "$OPENPIM_ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2 ) || return 1
  cp "$OPENPIM_ROOT/package-lock.json" "$stamp"
}

# Builds the portal (web/ → web/dist) when its sources or the dependencies changed since the last build.
ensure_web() {
  local stamp="$OPENPIM_ROOT/web/dist/.openpim-build" sum
  sum="$(cd "$OPENPIM_ROOT" && { find web -path web/dist -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum; sha256sum package-lock.json; } | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then return 0; fi
  openpim_log "building the portal (web/)…"
  ( cd "$OPENPIM_ROOT" && node_modules/.bin/vite build web --logLevel warn >&2 ) || return 1
  printf '%s\n' "$sum" > "$stamp"
}
