#!/usr/bin/env bash
# A PulseAudio server with a virtual microphone and speaker, for the real-audio tests and for
# trying voice mode on a machine without a sound card (CI, containers, a headless Pi).
#
#   scripts/pulse-test-server.sh start       start it (does nothing if it already answers)
#   scripts/pulse-test-server.sh stop        stop it
#   scripts/pulse-test-server.sh status      say whether it runs; exit 0 if it does
#   scripts/pulse-test-server.sh unplug-mic  remove the microphone, as if unplugged
#   scripts/pulse-test-server.sh plug-mic    put it back
#   scripts/pulse-test-server.sh add NAME    another microphone and speaker, NAME_mic and
#                                            NAME_speaker, for a second program at once:
#                                            PULSE_SOURCE=NAME_mic PULSE_SINK=NAME_speaker coach
#   scripts/pulse-test-server.sh remove NAME take them away again
#
# What it makes:
#   coach_speaker   null sink, the default output: what the coach says ends up in its monitor,
#                   record it with  parecord --device=coach_speaker.monitor out.wav
#   coach_mic_feed  null sink: play into it to speak into the microphone,
#                     paplay --device=coach_mic_feed words.wav
#   coach_mic       the default input, a copy of coach_mic_feed's monitor
#   coach_silence   a silent source looped into both sinks: an idle null sink wakes only every
#                   couple of seconds, so without it a new stream waits up to 2 s to start
# ALSA's default device is sent to PulseAudio (~/.asoundrc, written if missing), so
# sounddevice/PortAudio reach all this through the "default" or "pulse" device.
#
# Works as root and without a session bus. Needs: pulseaudio pulseaudio-utils
# libasound2-plugins (apt-get install pulseaudio pulseaudio-utils libasound2-plugins).
set -euo pipefail

say() { printf 'pulse-test-server: %s\n' "$*"; }
fail() { say "$*" >&2; exit 1; }

LOG="${TMPDIR:-/tmp}/coach-pulse-test-server.log"
MARK="${TMPDIR:-/tmp}/coach-pulse-test-server.started"  # present: `stop` may end the server
# Never let our status checks start a desktop PulseAudio by themselves.
CLIENT_CONF="${TMPDIR:-/tmp}/coach-pulse-client.conf"
[[ -e "$CLIENT_CONF" ]] || echo "autospawn = no" >"$CLIENT_CONF"
export PULSE_CLIENTCONFIG="$CLIENT_CONF"

need() {
    for tool in pulseaudio pactl; do
        command -v "$tool" >/dev/null ||
            fail "$tool is missing; install it with: apt-get install pulseaudio pulseaudio-utils"
    done
}

answers() { timeout 3 pactl info >/dev/null 2>&1; }

module_ids() {  # the index of every loaded module whose arguments mention $1
    pactl list short modules | awk -v word="$1" 'index($0, word) { print $1 }'
}

load_once() {  # load module $1 with arguments $2..., unless one with argument $2 is loaded
    [[ -n "$(module_ids "$2")" ]] || pactl load-module "$@" >/dev/null
}

keep_awake() {  # loop silence into sink $1 with a low latency, so new streams start at once
    load_once module-null-source source_name=coach_silence
    load_once module-loopback "sink=$1" source=coach_silence latency_msec=20 \
        source_dont_move=true sink_dont_move=true
}

awake() {  # wait until the silence loop has drained sink $1's start-up latency (about 2 s)
    for _ in $(seq 60); do
        pactl list sinks | awk -v s="$1" '/^\tName:/ { n = $2 }
            n == s && /^\tLatency:/ { ok = $2 < 100000 } END { exit !ok }' && return 0
        sleep 0.1
    done
    say "warning: $1 still has a long latency; the first sound may start late"
}

route_alsa_to_pulse() {  # ALSA programs (PortAudio, so sounddevice) reach PulseAudio
    local rc="$HOME/.asoundrc"
    if [[ -e /etc/asound.conf ]] && grep -q 'type *pulse' /etc/asound.conf; then return 0; fi
    if [[ -e "$rc" ]]; then
        grep -q 'type *pulse' "$rc" ||
            say "warning: $rc exists and does not mention pulse; ALSA's default may miss the server"
        return 0
    fi
    printf '# Written by coach scripts/pulse-test-server.sh: ALSA default = PulseAudio\n%s\n%s\n' \
        'pcm.!default { type pulse }' 'ctl.!default { type pulse }' >"$rc"
    say "wrote $rc (ALSA default device -> PulseAudio)"
}

# The coach's own pair wakes at once for any stream (a silence loop keeps it running). Pairs
# added by name are lighter, for running many at once: 16 kHz mono, the rate speech is
# recognised at, and no silence loop, which costs about 1.5% of a core per sink.
LEAN="rate=16000 channels=1"

plug_mic() {  # the microphone NAME_mic (default coach_mic), fed by playing into NAME_mic_feed
    local name="${1:-coach}"
    if [[ "$name" == coach ]]; then
        load_once module-null-sink sink_name=coach_mic_feed \
            sink_properties=device.description=coach_mic_feed
        keep_awake coach_mic_feed
    else
        # shellcheck disable=SC2086
        load_once module-null-sink "sink_name=${name}_mic_feed" $LEAN \
            "sink_properties=device.description=${name}_mic_feed"
    fi
    load_once module-remap-source "source_name=${name}_mic" "master=${name}_mic_feed.monitor" \
        "source_properties=device.description=${name}_mic"
    if [[ "$name" == coach ]]; then
        pactl set-default-source coach_mic
        awake coach_mic_feed
    fi
}

unplug_mic() {
    local name="${1:-coach}" mic id
    # PulseAudio would move the programs recording from it to another source, and they would
    # never notice; a real microphone pulled out of a plain ALSA machine ends their streams
    # with an error instead. Do that (pacmd: pactl cannot), then remove the devices.
    mic=$(pactl list short sources | awk -v name="${name}_mic" '$2 == name { print $1 }')
    if [[ -n "$mic" ]]; then
        for id in $(pactl list short source-outputs |
            awk -v mic="$mic" '$2 == mic && $4 == "protocol-native.c" { print $1 }'); do
            pacmd kill-source-output "$id" >/dev/null || say "could not end recording #$id"
        done
    fi
    # Dependants first: the remapped source and the loop read from and write to the sink.
    for id in $(module_ids "source_name=${name}_mic ") $(module_ids "sink=${name}_mic_feed ") \
        $(module_ids "sink_name=${name}_mic_feed "); do
        pactl unload-module "$id"
    done
}

add_speaker() {  # the speaker NAME_speaker (default coach_speaker)
    if [[ "$1" == coach ]]; then
        load_once module-null-sink sink_name=coach_speaker \
            sink_properties=device.description=coach_speaker
        keep_awake coach_speaker
        awake coach_speaker
    else
        # shellcheck disable=SC2086
        load_once module-null-sink "sink_name=${1}_speaker" $LEAN \
            "sink_properties=device.description=${1}_speaker"
    fi
}

remove_speaker() {
    local id
    for id in $(module_ids "sink=${1}_speaker ") $(module_ids "sink_name=${1}_speaker "); do
        pactl unload-module "$id"
    done
}

start() {
    need
    if answers; then
        say "already running"
    else
        # -n: no default script, only what we load here. Root is allowed (with a warning) in
        # per-user mode; auth-anonymous avoids cookie files; no D-Bus, no real hardware.
        pulseaudio --daemonize=yes --exit-idle-time=-1 -n --log-target="file:$LOG" \
            --load="module-native-protocol-unix auth-anonymous=1" \
            --load="module-cli-protocol-unix" ||
            fail "pulseaudio did not start; its log is in $LOG"
        for _ in $(seq 50); do answers && break; sleep 0.1; done
        answers || fail "pulseaudio started but pactl gets no answer; its log is in $LOG"
        touch "$MARK"
        say "started (log: $LOG)"
    fi
    add_speaker coach
    plug_mic coach
    pactl set-default-sink coach_speaker
    route_alsa_to_pulse
    status
}

stop() {
    if ! answers; then say "not running"; rm -f "$MARK"; return 0; fi
    if [[ ! -e "$MARK" ]]; then
        local id  # a server we did not start (a desktop session): only take our devices away
        unplug_mic
        for id in $(module_ids coach_speaker) $(module_ids coach_silence); do
            pactl unload-module "$id" 2>/dev/null || true
        done
        say "removed the coach devices; the server was not started here, so it keeps running"
        return 0
    fi
    rm -f "$MARK"
    pulseaudio --kill 2>/dev/null || pactl exit 2>/dev/null || true
    for _ in $(seq 50); do answers || break; sleep 0.1; done
    answers && fail "the server still answers after being asked to stop"
    say "stopped"
}

status() {
    if ! answers; then say "not running"; return 1; fi
    local sink source
    sink=$(pactl get-default-sink 2>/dev/null || true)
    source=$(pactl get-default-source 2>/dev/null || true)
    say "running; default sink: ${sink:-none}, default source: ${source:-none}"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    unplug-mic) answers || fail "not running"; unplug_mic coach; say "microphone unplugged" ;;
    plug-mic) answers || fail "not running"; plug_mic coach; say "microphone plugged in" ;;
    add | remove)
        [[ "${2:-}" =~ ^[a-z][a-z0-9]*$ && "$2" != coach ]] ||
            fail "usage: $0 $1 NAME (lower-case letters and digits, not 'coach')"
        answers || fail "not running; start it first: $0 start"
        if [[ "$1" == add ]]; then
            add_speaker "$2"; plug_mic "$2"; say "added ${2}_mic and ${2}_speaker"
        else
            unplug_mic "$2"; remove_speaker "$2"; say "removed ${2}_mic and ${2}_speaker"
        fi
        ;;
    *) fail "usage: $0 start|stop|status|unplug-mic|plug-mic|add NAME|remove NAME" ;;
esac
