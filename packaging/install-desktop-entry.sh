#!/bin/sh
# Add esgdesk to this user's application menu. The entry points at the executable and icon
# in the folder this script sits in, so run it again after moving the folder. No root needed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
applications=${XDG_DATA_HOME:-$HOME/.local/share}/applications
mkdir -p "$applications"
sed -e "s|^Exec=.*|Exec=\"$here/esgdesk\"|" -e "s|^Icon=.*|Icon=$here/esgdesk.png|" \
    "$here/esgdesk.desktop" > "$applications/esgdesk.desktop"
echo "esgdesk is in the application menu: $applications/esgdesk.desktop"
