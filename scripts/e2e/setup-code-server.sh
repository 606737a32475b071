#!/usr/bin/env bash
# Installs code-server (VS Code served to a browser) and Debian Chromium for the real-editor tier,
# offline-capable: only the npm registry and Debian packages. Idempotent: a finished install in the
# cache folder is reused. Prints the code-server entry point on its last line.
# Recipe and pitfalls: shared/notes/real-editor.md (code-server 4.100.3 = VS Code 1.100.3, Node 20).
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
CACHE="${FOOTPRINT_E2E_CACHE:-${HOME:-/root}/.cache/footprint-e2e}"
DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"
DONE="$DIR/.installed"
export DEBIAN_FRONTEND=noninteractive npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

need_apt=()
command -v chromium >/dev/null || need_apt+=(chromium)
command -v rg >/dev/null || need_apt+=(ripgrep)
if [ ! -f "$DONE" ]; then
  # Headers for the native modules `npm rebuild` compiles (kerberos, native-keymap, keytar...).
  for pkg in libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
  done
fi
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "apt-get install ${need_apt[*]}" >&2
  apt-get update -q -o DPkg::Lock::Timeout=300 >&2 || apt-get update -q -o DPkg::Lock::Timeout=300 >&2
  apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends "${need_apt[@]}" >&2 ||
    apt-get install -y -q -o DPkg::Lock::Timeout=300 --no-install-recommends "${need_apt[@]}" >&2
fi

if [ -f "$DONE" ] && [ -f "$ENTRY" ]; then
  echo "code-server $CODE_SERVER_VERSION already installed in $DIR" >&2
  echo "$ENTRY"
  exit 0
fi

echo "installing code-server $CODE_SERVER_VERSION into $DIR (several minutes)" >&2
rm -rf "$DIR"
mkdir -p "$DIR"
cd "$DIR"
{
  npm init -y >/dev/null
  # --ignore-scripts: code-server's postinstall and @vscode/ripgrep's would download binaries.
  npm install --ignore-scripts --no-save "code-server@$CODE_SERVER_VERSION"
  cd node_modules/code-server/lib/vscode
  npm install --omit=dev --ignore-scripts
  # @vscode/ripgrep skips its download when bin/ exists; Debian's rg stands in.
  mkdir -p node_modules/@vscode/ripgrep/bin
  ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  npm_config_yes=true npm rebuild # native modules: node-pty, spdlog, kerberos...
  ln -sfn node_modules node_modules.asar
  (cd bin/remote-cli && ln -sf code-linux.sh code-server)
  (cd bin/helpers && ln -sf browser-linux.sh browser.sh)
  (cd extensions && npm install --omit=dev --ignore-scripts)
  cd "$DIR"
  npm_config_yes=true npm rebuild argon2
} >&2
test -f "$ENTRY"
touch "$DONE"
echo "$ENTRY"
