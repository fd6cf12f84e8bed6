#!/usr/bin/env bash
# Proof on arm64 without a Pi: build a Debian bookworm arm64 root (debootstrap, run under
# qemu-user-static), install the coach there with scripts/install-pi.sh as a Pi would, then
# run a text-mode replay and `coach hear` on WAV files, and check what they print.
#
#   sudo scripts/pi-smoke.sh              (needs root; 30-60 minutes or more, mostly emulation)
#
# The Debian base is built once and kept in DIR/base (default /var/tmp/coach-pi-root); each
# run copies it to DIR/run, so every run installs from a clean base. Logs are in DIR/logs.
# Exit status 0 means every step passed; otherwise the summary names the step that failed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd -P)

top=${COACH_PI_ROOT:-/var/tmp/coach-pi-root}
mirror=${COACH_PI_MIRROR:-http://deb.debian.org/debian}
security_mirror=${COACH_PI_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
suite=bookworm
mode=auto
rebuild=0
with_model=0

usage() {
    cat <<EOF
Usage: sudo scripts/pi-smoke.sh [--root DIR] [--rebuild] [--proot] [--with-model] [--help]

Builds (once) a Debian $suite arm64 root under qemu-user-static, copies this folder into
it as /home/pi/coach, runs 'scripts/install-pi.sh --user pi --no-service' there (and
once more as pi, to show a second run changes nothing), then checks a text-mode replay
(scripts/pi/smoke-replay.yaml) and 'coach hear' on "yes" and "no" spoken by espeak-ng.

  --root DIR     where to keep the arm64 root (default \$COACH_PI_ROOT or /var/tmp/coach-pi-root)
  --rebuild      build the Debian base again instead of reusing it
  --proot        run the arm64 root with proot instead of chroot and binfmt_misc
                 (needs no kernel support, but proot 5.1.0 crashed in dpkg here: untested)
  --with-model   let install-pi.sh try to download the Vosk model (needs the internet;
                 by default it is skipped and PocketSphinx is used)
  --help         show this help

COACH_PI_MIRROR and COACH_PI_SECURITY_MIRROR choose the Debian mirrors.
EOF
}

while (($#)); do
    case "$1" in
        --root) [[ -n "${2:-}" ]] || { echo "pi-smoke: --root needs a folder" >&2; exit 2; }
            top=$2; shift 2 ;;
        --root=*) top=${1#--root=}; shift ;;
        --rebuild) rebuild=1; shift ;;
        --proot) mode=proot; shift ;;
        --with-model) with_model=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "pi-smoke: unknown option '$1'; see scripts/pi-smoke.sh --help" >&2; exit 2 ;;
    esac
done

say() { printf 'pi-smoke: %s\n' "$*"; }
if [[ $(id -u) -ne 0 ]]; then
    say "this needs root (debootstrap, chroot and mounts); run: sudo scripts/pi-smoke.sh"
    exit 2
fi
case "$top" in
    /|/var|/var/tmp|/tmp|/home|/root|/usr|/etc) say "refusing to use $top as the root folder"; exit 2 ;;
esac

base="$top/base"
run="$top/run"
logs="$top/logs"
mkdir -p "$top" "$logs"
started=$(date +%s)
results=()
failed=""
PI_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# --- Running things inside the arm64 root --------------------------------------------

# Pass a proxy through, if the host uses one; nothing else of the host's environment.
root_env=(PATH="$PI_PATH" LANG=C.UTF-8 TERM=dumb)
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
    [[ -n "${!name:-}" ]] && root_env+=("$name=${!name}")
done

# in_tree DIR CMD...: run CMD as root inside DIR, with a clean environment.
in_tree() {
    local tree=$1; shift
    if [[ $mode == proot ]]; then
        proot -0 -q qemu-aarch64-static -r "$tree" -b /dev -b /proc -b /sys -w / \
            /usr/bin/env -i HOME=/root "${root_env[@]}" "$@"
    else
        chroot "$tree" /usr/bin/env -i HOME=/root "${root_env[@]}" "$@"
    fi
}
as_root_in_run() { in_tree "$run" "$@"; }
# as_pi SHELL-COMMAND: run it as the user pi, in /home/pi/coach.
as_pi() {
    in_tree "$run" /usr/sbin/runuser -u pi -- /usr/bin/env -i HOME=/home/pi USER=pi \
        LOGNAME=pi "${root_env[@]}" /bin/bash -c "cd /home/pi/coach && $1"
}

mounted_under() { awk -v dir="$1/" 'index($2, dir) == 1 { print $2 }' /proc/mounts; }
unmount_run() {
    local point
    for point in $(mounted_under "$run" | sort -r); do
        umount "$point" 2>/dev/null || umount -l "$point" || true
    done
}
mount_run() {
    [[ $mode == chroot ]] || return 0
    mount -t proc proc "$run/proc"
    mount -t sysfs sysfs "$run/sys"
    mount --rbind /dev "$run/dev"
    mount --make-rslave "$run/dev"
}

# --- Steps ---------------------------------------------------------------------------

summary() {
    local status=$? line elapsed
    [[ -n "${run:-}" && -d "$run" ]] && unmount_run
    elapsed=$(( ($(date +%s) - started + 30) / 60 ))
    echo
    echo "==== pi-smoke summary ===="
    echo "date:        $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "host:        $(uname -m), $(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release), emulation: $mode"
    [[ -f "$logs/facts" ]] && cat "$logs/facts"
    for line in "${results[@]}"; do echo "  $line"; done
    echo "wall time:   about $elapsed min (under emulation: says nothing about a Pi's speed)"
    echo "logs:        $logs"
    if [[ -z "$failed" && $status -eq 0 ]]; then
        echo "result:      PASS"
    else
        if [[ -n "$failed" ]]; then echo "result:      FAIL at step '$failed'"
        else echo "result:      FAIL"
        fi
        [[ $status -ne 0 ]] || status=1
    fi
    exit "$status"
}
trap summary EXIT

# step NAME FUNCTION: run FUNCTION with its output in logs/NAME.log; stop on failure.
step() {
    local name=$1 log="$logs/$1.log" rc
    shift
    say "$name ..."
    set +e
    ( set -e; "$@" ) >"$log" 2>&1
    rc=$?
    set -e
    if [[ $rc -eq 0 ]]; then
        results+=("PASS  $name")
        return 0
    fi
    results+=("FAIL  $name")
    failed=$name
    say "step '$name' failed (exit $rc); the end of its log, $log:"
    tail -n 40 "$log" | sed 's/^/    | /'
    exit 1
}

host_tools() {
    local missing=() package
    for package in debootstrap qemu-user-static binfmt-support proot espeak-ng sox python3; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$package")
    done
    ((${#missing[@]})) || { echo "all host tools are installed"; return 0; }
    echo "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# binfmt_misc lets the kernel run arm64 programs through qemu, so plain chroot works.
# It is often not mounted in VMs and containers: mount it, and register qemu-aarch64.
binfmt_ready() {
    local dir=/proc/sys/fs/binfmt_misc
    if [[ ! -e $dir/register ]]; then
        mount -t binfmt_misc binfmt_misc "$dir" || return 1
    fi
    if [[ ! -e $dir/qemu-aarch64 ]]; then
        update-binfmts --enable qemu-aarch64 || update-binfmts --import qemu-aarch64 || return 1
    fi
    grep -qx enabled "$dir/qemu-aarch64"
}

choose_emulation() {
    if [[ $mode == proot ]]; then
        say "using proot (--proot): it needs no kernel support, but Debian's proot 5.1.0 has"
        say "crashed here while dpkg unpacked packages (an assertion in path.c); chroot is the tested way"
    elif binfmt_ready; then
        mode=chroot
    else
        say "cannot run arm64 programs: binfmt_misc could not be mounted, or qemu-aarch64 not"
        say "registered in it. Try, as root: mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc"
        say "&& update-binfmts --enable qemu-aarch64 (packages qemu-user-static, binfmt-support);"
        say "in a container, the host must do this. Or try --proot (see --help)."
        failed=emulation
        results+=("FAIL  emulation")
        exit 1
    fi
    say "emulation: $mode"
    results+=("PASS  emulation ($mode)")
}

build_base() {
    if [[ -f "$base/.coach-pi-base" && $rebuild -eq 0 ]]; then
        echo "reusing the Debian base in $base (built $(cat "$base/.coach-pi-base"))"
        return 0
    fi
    [[ -z "$(mounted_under "$base")" ]] || { echo "something is mounted under $base"; return 1; }
    rm -rf --one-file-system "$base"
    debootstrap --arch=arm64 --foreign --variant=minbase --include=sudo,ca-certificates \
        "$suite" "$base" "$mirror"
    cp /usr/bin/qemu-aarch64-static "$base/usr/bin/"
    in_tree "$base" /debootstrap/debootstrap --second-stage
    echo coach-pi >"$base/etc/hostname"
    # The user a Pi is set up with, with passwordless sudo as on Raspberry Pi OS.
    in_tree "$base" useradd --create-home --shell /bin/bash --groups sudo pi
    echo 'pi ALL=(ALL) NOPASSWD: ALL' >"$base/etc/sudoers.d/010_pi-nopasswd"
    chmod 0440 "$base/etc/sudoers.d/010_pi-nopasswd"
    in_tree "$base" apt-get clean
    date -u '+%Y-%m-%d' >"$base/.coach-pi-base"
}

fresh_run() {
    unmount_run
    [[ -z "$(mounted_under "$run")" ]] || { echo "cannot unmount everything under $run"; return 1; }
    rm -rf --one-file-system "$run"
    cp -a "$base" "$run"
    mount_run
    [[ "$(as_root_in_run uname -m)" == aarch64 ]] || { echo "the root does not run as aarch64"; return 1; }
    cp -L /etc/resolv.conf "$run/etc/resolv.conf"
    # As on a Pi: the release, its updates and security fixes. (signed-by: apt then checks
    # with that keyring directly, which also works under proot.)
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    cat >"$run/etc/apt/sources.list" <<EOF
deb [signed-by=$keyring] $mirror $suite main
deb [signed-by=$keyring] $mirror $suite-updates main
deb [signed-by=$keyring] $security_mirror $suite-security main
EOF
    if [[ $mode == proot ]]; then
        # proot fakes root, so apt cannot drop to its _apt user to check signatures.
        echo 'APT::Sandbox::User "root";' >"$run/etc/apt/apt.conf.d/00-proot-sandbox"
    fi
    # Trust the CAs the host added (a proxy that inspects TLS, say), so pip reaches PyPI.
    if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$run/usr/local/share/ca-certificates/"
        as_root_in_run update-ca-certificates
    fi
}

copy_repo() {
    local dest="$run/home/pi/coach"
    mkdir -p "$dest"
    # The working tree as it is: tracked and untracked files, less what .gitignore leaves out.
    git -C "$repo" ls-files -z -co --exclude-standard |
        while IFS= read -r -d '' file; do
            [[ -e "$repo/$file" || -L "$repo/$file" ]] && printf '%s\0' "$file"
        done |
        tar -C "$repo" --null -T - -cf - | tar -C "$dest" -xf -
    as_root_in_run chown -R pi:pi /home/pi/coach
    echo "copied $(find "$dest" -type f | wc -l) files to /home/pi/coach"
}

make_wavs() {
    local dest="$run/home/pi/smoke" word
    mkdir -p "$dest"
    for word in yes no; do
        espeak-ng -w "$dest/$word-22k.wav" "$word"
        sox "$dest/$word-22k.wav" -r 16000 -c 1 -b 16 "$dest/$word.wav"
        rm "$dest/$word-22k.wav"
    done
    as_root_in_run chown -R pi:pi /home/pi/smoke
    ls -l "$dest"
}

install_first() {
    local model=(--no-model)
    [[ $with_model -eq 1 ]] && model=()
    # As `sudo scripts/install-pi.sh` on a Pi (sudo itself cannot work under qemu-user).
    as_root_in_run /bin/bash -c \
        "cd /home/pi/coach && scripts/install-pi.sh --user pi --no-service ${model[*]}"
    as_root_in_run test -x /home/pi/coach/.venv/bin/coach
}

install_again() {
    local model=(--no-model)
    [[ $with_model -eq 1 ]] && model=()
    # As pi, no root: with everything in place, a second run must need none and change nothing.
    as_pi "scripts/install-pi.sh --no-service ${model[*]}" | tee "$logs/install-again.out"
    if grep -E '^(install-pi: (installing|added|wrote|turned on|installed)|setup: (installing|creating))' \
        "$logs/install-again.out"; then
        echo "the second run changed something (above), so the installer is not idempotent"
        return 1
    fi
}

replay() {
    as_pi "rm -rf /home/pi/smoke/home && COACH_HOME=/home/pi/smoke/home \
        .venv/bin/coach replay --json scripts/pi/smoke-replay.yaml" >"$logs/replay.jsonl"
    python3 - "$logs/replay.jsonl" <<'EOF'
import json, sys
records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
coach = [r for r in records if r.get("role") == "coach"]
end = records[-1] if records else {}
print(f"{len(records)} lines, {len(coach)} from the coach; last: {end}")
assert end.get("event") == "end", "the replay did not end with an end event"
assert end.get("reason") == "finished", f"the session ended with {end.get('reason')!r}, not 'finished'"
assert any("appreciation" in r["text"].lower() for r in coach), "the exercise never started"
assert len(coach) >= 20, "the coach said too little for a whole exercise"
EOF
}

hear() {
    local word
    for word in yes no; do
        as_pi "COACH_HOME=/home/pi/smoke/home .venv/bin/coach hear /home/pi/smoke/$word.wav \
            --expect yes_no" | tee "$logs/hear-$word.json"
        python3 - "$logs/hear-$word.json" "$word" <<'EOF'
import json, sys
heard = json.loads(open(sys.argv[1]).read())
word = sys.argv[2]
assert heard.get("intent") == word, f"heard {heard!r}, expected the intent {word!r}"
print(f"ok: {word!r} was heard as {heard['text']!r} ({heard['intent']})")
EOF
    done
}

facts() {
    cat >"$run/home/pi/smoke/wheels.py" <<'EOF'
from importlib.metadata import distributions

for dist in sorted(distributions(), key=lambda d: d.metadata["Name"].lower()):
    wheel = dist.read_text("WHEEL") or ""
    tags = [line.split(":", 1)[1].strip() for line in wheel.splitlines() if line.startswith("Tag:")]
    binary = [tag for tag in tags if not tag.endswith("-any")]
    if binary:
        print(f"  {dist.metadata['Name']} {dist.version}  {binary[-1]}")
EOF
    as_pi 'COACH_HOME=/home/pi/smoke/home .venv/bin/coach doctor' >"$logs/doctor.txt" 2>&1 || true
    cat "$logs/doctor.txt"
    {
        echo "debian:      $(cat "$run/etc/debian_version") ($suite, $(as_root_in_run dpkg --print-architecture))"
        echo "python:      $(as_pi '.venv/bin/python -V')"
        echo "recogniser:  $(grep -E '^\S+\s+Recognition' "$logs/doctor.txt" | sed -E 's/^\S+\s+Recognition\s+//')"
        echo "aarch64 wheels (binary, not pure Python):"
        as_pi '.venv/bin/python /home/pi/smoke/wheels.py'
    } >"$logs/facts.new"
    mv "$logs/facts.new" "$logs/facts"
    cat "$logs/facts"
}

rm -f "$logs/facts"
step host-tools host_tools
choose_emulation
step debian-base build_base
step fresh-root fresh_run
step copy-repo copy_repo
step wav-files make_wavs
step install-pi install_first
step install-pi-again install_again
step replay replay
step hear hear
step facts facts
