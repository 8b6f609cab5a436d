#!/bin/bash
# Run by keepalived on a state change: notify.sh master|backup|fault
# Mails who changed to what; `mail` hands the message to the local
# sendmail (on the lab nodes: relayed to the mail node).
contact='ops@example.com'
vip='10.88.5.100'

notify() {
    local subject body
    subject="$(hostname) to be $1: $vip floating"
    body="$(date +'%F %T'): vrrp transition,"
    body="$body $(hostname) changed to be $1"
    echo "$body" | mail -s "$subject" "$contact"
}

case "$1" in
    master | backup | fault)
        notify "$1"
        ;;
    *)
        echo "Usage: $(basename "$0") {master|backup|fault}" >&2
        exit 1
        ;;
esac
