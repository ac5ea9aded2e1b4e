#!/usr/bin/env bash
# Install the Debian libraries Qt needs, only those that are missing.
# Offscreen tests need the first list; Qt Multimedia (tape review) the second; a real
# desktop window (the xcb platform) the third. With --tests, also what the test suite
# drives: a virtual screen with a window manager, xdotool and a screenshot tool (keys and
# clicks into a real window), and a PostgreSQL server (the clinic-server tests start a
# throwaway one), and espeak-ng (speech made for the voice activity tests).
set -euo pipefail

offscreen=(libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libegl1 libgl1 libxkbcommon0
  libx11-6 libgssapi-krb5-2 fonts-dejavu-core)
multimedia=(libpulse0 libx11-xcb1 libxext6 libxrandr2 libxrender1 libdrm2)
desktop=(libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
  libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1 libxcb-sync1
  libxcb-shm0 libxcb-glx0)
testing=()
if [ "${1:-}" = "--tests" ]; then
  testing=(xvfb xauth xdotool openbox imagemagick postgresql espeak-ng)
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "Not a Debian-like system: install the Qt 6 runtime libraries with your package manager." >&2
  exit 0
fi

missing=()
for pkg in "${offscreen[@]}" "${multimedia[@]}" "${desktop[@]}" "${testing[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "Please install as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
