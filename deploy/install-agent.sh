#!/usr/bin/env bash
# Installs the bladeframe agent on a blade as the systemd service bladeframe-agent.
# Safe to run again (an upgrade is the same command): unchanged files are left alone and an
# existing configuration is never overwritten. `--help` for the options.
set -euo pipefail

readonly UNIT_NAME=bladeframe-agent.service
readonly BUNDLE_DEST=/opt/bladeframe/bladeframe-agent.mjs
readonly CONFIG_DEST=/etc/bladeframe/agent.yaml
readonly UNIT_DEST=/etc/systemd/system/$UNIT_NAME
readonly COMMAND_DEST=/usr/local/bin/bladeframe-agent
readonly MIN_NODE_MAJOR=20

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
  cat <<EOF
Usage: install-agent.sh [options]

Installs the bladeframe agent as a systemd service:
  $BUNDLE_DEST  the agent (one file, Node $MIN_NODE_MAJOR or newer)
  $CONFIG_DEST            its configuration (from agent.example.yaml, only if absent)
  $UNIT_DEST  the service
  $COMMAND_DEST       the agent's commands with that configuration
then enables and starts the service when systemd runs here. A configuration created now is
the example: the service is enabled but not started until you have edited it.

Options:
  --bundle FILE   the agent bundle (default: bladeframe-agent.mjs beside this script,
                  else dist/bladeframe-agent.mjs of the repository; build it with npm run build)
  --root DIR      install under DIR instead of / (packaging, tests); runs no systemctl
  --site NAME     the site written into a new configuration
  --frame NAME    the frame written into a new configuration
  --no-start      install the files only; run no systemctl
  -h, --help      this text
EOF
}

die() {
  printf 'install-agent: %s\n' "$@" >&2
  exit 1
}

root=''
bundle=''
site=''
frame=''
no_start=0
while (($#)); do
  case $1 in
    --bundle | --root | --site | --frame)
      (($# >= 2)) || die "$1 needs a value"
      case $1 in
        --bundle) bundle=$2 ;;
        --root) root=$2 ;;
        --site) site=$2 ;;
        --frame) frame=$2 ;;
      esac
      shift 2
      ;;
    --bundle=*) bundle=${1#*=} && shift ;;
    --root=*) root=${1#*=} && shift ;;
    --site=*) site=${1#*=} && shift ;;
    --frame=*) frame=${1#*=} && shift ;;
    --no-start) no_start=1 && shift ;;
    -h | --help) usage && exit 0 ;;
    *)
      usage >&2
      die "unknown option: $1"
      ;;
  esac
done

# The same rule as the agent's configuration: a topic segment.
for pair in "site:$site" "frame:$frame"; do
  value=${pair#*:}
  if [[ -n $value && ! $value =~ ^[A-Za-z0-9._-]{1,64}$ ]]; then
    die "--${pair%%:*}: must be 1-64 of A-Z a-z 0-9 . _ -"
  fi
done

# --- Node: checked first, so that nothing is installed that could not run.
node_bin=$(command -v node || true)
node_help="Install Node.js $MIN_NODE_MAJOR or newer, e.g. from NodeSource
  (https://github.com/nodesource/distributions), your distribution's module
  (RHEL, Rocky, Alma: dnf module install nodejs:20) or https://nodejs.org/en/download,
  so that 'node' is on the PATH (/usr/bin or /usr/local/bin: systemd looks there)."
if [[ -z $node_bin ]]; then
  die "Node.js $MIN_NODE_MAJOR or newer is needed, and there is no 'node' on the PATH." "$node_help"
fi
node_version=$("$node_bin" --version 2>/dev/null || true)
if [[ ! $node_version =~ ^v([0-9]+)\. ]]; then
  die "Node.js $MIN_NODE_MAJOR or newer is needed; $node_bin gives no version." "$node_help"
fi
if ((BASH_REMATCH[1] < MIN_NODE_MAJOR)); then
  die "Node.js $MIN_NODE_MAJOR or newer is needed; $node_bin is $node_version." "$node_help"
fi
case ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:" in
  *":$(dirname "$node_bin"):"*) ;;
  *) echo "warning: $node_bin is not on systemd's PATH; link it as /usr/local/bin/node" >&2 ;;
esac

if [[ -z $root && $EUID -ne 0 ]]; then
  die "run as root to install on this system (or --root DIR to stage the files elsewhere)"
fi

# --- What to install: beside this script (a release directory), else the repository's dist/.
if [[ -z $bundle ]]; then
  for candidate in "$script_dir/bladeframe-agent.mjs" "$script_dir/../dist/bladeframe-agent.mjs"; do
    if [[ -f $candidate ]]; then
      bundle=$candidate
      break
    fi
  done
  [[ -n $bundle ]] || die "no agent bundle: build it (npm run build) or give --bundle FILE"
fi
[[ -f $bundle ]] || die "--bundle: no such file: $bundle"
unit_src=$script_dir/systemd/$UNIT_NAME
[[ -f $unit_src ]] || unit_src=$script_dir/$UNIT_NAME
example_src=$script_dir/agent.example.yaml
[[ -f $unit_src ]] || die "missing $UNIT_NAME beside this script"
[[ -f $example_src ]] || die "missing agent.example.yaml beside this script"

agent_version=$("$node_bin" "$bundle" --version 2>&1) ||
  die "$bundle does not run with $node_bin ($node_version): $agent_version"

if [[ -n $root ]]; then
  mkdir -p "$root"
  root=$(cd "$root" && pwd)
  [[ $root != / ]] || root=''
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# install_file SRC DEST MODE: replaces DEST atomically unless it already has SRC's content and
# MODE; prints what it did and sets `replaced` (1 when it wrote the file).
replaced=0
install_file() {
  local src=$1 dest=$root$2 mode=$3
  replaced=0
  if [[ -f $dest ]] && cmp -s "$src" "$dest" && [[ $(stat -c %a "$dest") == "$mode" ]]; then
    echo "unchanged  $dest"
    return
  fi
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" "$src" "$dest.new"
  mv -f "$dest.new" "$dest"
  echo "installed  $dest"
  replaced=1
}

# The configuration directory may hold credentials (mqtt.passwordFile, TLS keys).
if [[ ! -d $root/etc/bladeframe ]]; then
  install -d -m 0750 "$root/etc/bladeframe"
fi

install_file "$bundle" "$BUNDLE_DEST" 644
bundle_changed=$replaced

cat >"$work/command" <<EOF
#!/bin/sh
# bladeframe-agent with the service's configuration (test-event, outbox, collect).
# Installed by install-agent.sh; BLADEFRAME_AGENT_CONFIG or --config still choose another.
if [ -r /etc/bladeframe/agent.env ]; then set -a && . /etc/bladeframe/agent.env && set +a; fi
: "\${BLADEFRAME_AGENT_CONFIG:=$CONFIG_DEST}"
export BLADEFRAME_AGENT_CONFIG
exec node $BUNDLE_DEST "\$@"
EOF
install_file "$work/command" "$COMMAND_DEST" 755

config_new=0
if [[ -e $root$CONFIG_DEST ]]; then
  echo "kept       $root$CONFIG_DEST (existing configuration)"
  [[ -z $site$frame ]] || echo "note: --site/--frame not applied: the configuration exists; edit it" >&2
else
  cp "$example_src" "$work/agent.yaml"
  if [[ -n $site ]]; then
    sed -i -E "s/^site: [^#]*# example: /site: $site # /" "$work/agent.yaml"
    grep -q "^site: $site " "$work/agent.yaml" || die "could not set the site in the configuration"
  fi
  if [[ -n $frame ]]; then
    sed -i -E "s/^frame: [^#]*# example: /frame: $frame # /" "$work/agent.yaml"
    grep -q "^frame: $frame " "$work/agent.yaml" || die "could not set the frame in the configuration"
  fi
  install -m 0640 "$work/agent.yaml" "$root$CONFIG_DEST"
  echo "created    $root$CONFIG_DEST (from the example: edit it)"
  config_new=1
fi

install_file "$unit_src" "$UNIT_DEST" 644
unit_changed=$replaced

# --- systemd
start_hint="systemctl daemon-reload && systemctl enable --now bladeframe-agent"
if [[ -n $root ]]; then
  echo "staged under $root: systemctl not run"
elif ((no_start)); then
  echo "systemctl not run (--no-start); to start the agent: $start_hint"
elif [[ ! -d /run/systemd/system ]]; then
  echo "systemd is not running here (a container?): systemctl not run; on the blade: $start_hint"
else
  if ((unit_changed)); then
    systemctl daemon-reload
    echo "reloaded   systemd units"
  fi
  if ! systemctl is-enabled --quiet bladeframe-agent; then
    systemctl enable --quiet bladeframe-agent
    echo "enabled    bladeframe-agent (starts at boot)"
  fi
  if ((config_new)); then
    echo "not started: edit $CONFIG_DEST (site, frame, mqtt), then: systemctl start bladeframe-agent"
  elif ! systemctl is-active --quiet bladeframe-agent; then
    systemctl start bladeframe-agent
    echo "started    bladeframe-agent"
  elif ((bundle_changed || unit_changed)); then
    systemctl restart bladeframe-agent
    echo "restarted  bladeframe-agent (new files)"
  else
    echo "running    bladeframe-agent"
  fi
fi
echo "bladeframe-agent $agent_version with node $node_version ($node_bin)"
