#!/bin/sh
# calpol: IPTABLES / IP6TABLES choose the variant (e.g. iptables-nft, iptables-legacy).
set -eu
ipt4="${IPTABLES:-iptables}"
ipt6="${IP6TABLES:-ip6tables}"
# Inserts the jump from a built-in chain to calpol's chain unless it is already there.
attach() {
  "$1" -w -t "$2" -C "$3" -m comment --comment calpol -j "$4" 2>/dev/null ||
    "$1" -w -t "$2" -I "$3" 1 -m comment --comment calpol -j "$4"
}
attach "$ipt4" filter INPUT calpol-INPUT
attach "$ipt4" filter FORWARD calpol-FORWARD
attach "$ipt4" filter OUTPUT calpol-OUTPUT
attach "$ipt6" filter INPUT calpol-INPUT
attach "$ipt6" filter FORWARD calpol-FORWARD
attach "$ipt6" filter OUTPUT calpol-OUTPUT
