#!/bin/sh
# calpol: IPTABLES / IP6TABLES choose the variant (e.g. iptables-nft, iptables-legacy).
set -eu
ipt4="${IPTABLES:-iptables}"
ipt6="${IP6TABLES:-ip6tables}"
# calpol: removes what the attach script and the restore files added (the jumps, the chains, the sets).
detach() {
  while "$1" -w -t "$2" -D "$3" -m comment --comment calpol -j "$4" 2>/dev/null; do :; done
}
remove() {
  ipt=$1 table=$2
  shift 2
  existing=" $("$ipt-save" -t "$table" 2>/dev/null | sed -n 's/^:\([^ ]*\) .*/\1/p' | tr '\n' ' ') "
  flush="" delete=""
  for chain in "$@"; do
    case "$existing" in *" $chain "*) flush="$flush-F $chain
" delete="$delete-X $chain
" ;; esac
  done
  [ -n "$flush" ] || return 0
  printf '*%s\n%s%sCOMMIT\n' "$table" "$flush" "$delete" | "$ipt-restore" --noflush
}
detach "$ipt4" filter INPUT calpol-INPUT
detach "$ipt4" filter FORWARD calpol-FORWARD
detach "$ipt4" filter OUTPUT calpol-OUTPUT
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-04a89c163e972bb2 calpol-do-48e5bc89166195ee calpol-do-5888029bb8368208 calpol-do-91415f9189230afb calpol-do-b84ad2d463b45e29 calpol-do-bdda7237614648fe calpol-do-cd3e168dae2e9ec9 cp-forward cp-from-wl cp-fw-94ce1d48f7061cdb2a3311 cp-fw-a85626a90c92de63d56d30 cp-fw-dbf594d44cedb6633831dd cp-input cp-output cp-pi-gnp-defau-23975692f92d cp-pi-np-app-db-ba279eb891aa cp-po-gnp-defau-23975692f92d cp-po-np-app-we-0248b1b94142 cp-pri-kns.app-8d8b6a9b0e84 cp-pri-kns.kube-7d2c0ab878db cp-pro-kns.app-8d8b6a9b0e84 cp-pro-kns.kube-7d2c0ab878db cp-to-wl cp-tw-355a31a84a4ab4c2a2ab4e cp-tw-3cb3ba5dc0bbcec2c4388e cp-tw-43c217ea05a62e956c01de cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-04a89c163e972bb2 calpol-do-48e5bc89166195ee calpol-do-5888029bb8368208 calpol-do-91415f9189230afb calpol-do-b84ad2d463b45e29 calpol-do-bdda7237614648fe calpol-do-cd3e168dae2e9ec9 cp-forward cp-from-wl cp-fw-94ce1d48f7061cdb2a3311 cp-fw-a85626a90c92de63d56d30 cp-fw-dbf594d44cedb6633831dd cp-input cp-output cp-pi-gnp-defau-23975692f92d cp-pi-np-app-db-ba279eb891aa cp-po-gnp-defau-23975692f92d cp-po-np-app-we-0248b1b94142 cp-pri-kns.app-8d8b6a9b0e84 cp-pri-kns.kube-7d2c0ab878db cp-pro-kns.app-8d8b6a9b0e84 cp-pro-kns.kube-7d2c0ab878db cp-to-wl cp-tw-355a31a84a4ab4c2a2ab4e cp-tw-3cb3ba5dc0bbcec2c4388e cp-tw-43c217ea05a62e956c01de cp-wl-to-host
ipset destroy cp4s-2560b70aac3b5d43703bcbc7e7 2>/dev/null || true
ipset destroy cp4s-6a4932847e00196860fd446c62 2>/dev/null || true
ipset destroy cp4s-a7fb8035499cdc8ed0aa3a8397 2>/dev/null || true
ipset destroy cp6s-6debb8d214397198ca122add0e 2>/dev/null || true
ipset destroy cp6s-d688bce76dd4f1b7c4e8a14c49 2>/dev/null || true
ipset destroy cp6s-f05e248e36434ab2a33b4b97a3 2>/dev/null || true
