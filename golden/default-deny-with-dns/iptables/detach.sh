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
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-04a89c163e972bb2 calpol-do-48e5bc89166195ee calpol-do-5888029bb8368208 calpol-do-91415f9189230afb calpol-do-b84ad2d463b45e29 calpol-do-bdda7237614648fe calpol-do-cd3e168dae2e9ec9 cp-forward cp-from-wl cp-fw-8649ab62da19425c497cf3 cp-fw-91cb2c92b1110b6c87ed7f cp-fw-a069f310087eeb144877a0 cp-input cp-output cp-pi-gnp-default-den-239756 cp-pi-np-app-db-ingre-ba279e cp-po-gnp-default-den-239756 cp-po-np-app-web-egre-0248b1 cp-pri-kns.app-8d8b6a cp-pri-kns.kube-syste-7d2c0a cp-pro-kns.app-8d8b6a cp-pro-kns.kube-syste-7d2c0a cp-to-wl cp-tw-53e5f69774b561512639db cp-tw-c0f9b8740df9e651b2221b cp-tw-cf0fc386f0013cc5041234 cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-04a89c163e972bb2 calpol-do-48e5bc89166195ee calpol-do-5888029bb8368208 calpol-do-91415f9189230afb calpol-do-b84ad2d463b45e29 calpol-do-bdda7237614648fe calpol-do-cd3e168dae2e9ec9 cp-forward cp-from-wl cp-fw-8649ab62da19425c497cf3 cp-fw-91cb2c92b1110b6c87ed7f cp-fw-a069f310087eeb144877a0 cp-input cp-output cp-pi-gnp-default-den-239756 cp-pi-np-app-db-ingre-ba279e cp-po-gnp-default-den-239756 cp-po-np-app-web-egre-0248b1 cp-pri-kns.app-8d8b6a cp-pri-kns.kube-syste-7d2c0a cp-pro-kns.app-8d8b6a cp-pro-kns.kube-syste-7d2c0a cp-to-wl cp-tw-53e5f69774b561512639db cp-tw-c0f9b8740df9e651b2221b cp-tw-cf0fc386f0013cc5041234 cp-wl-to-host
ipset destroy cp4s-2560b70aac3b5d43703bcbc7e7 2>/dev/null || true
ipset destroy cp4s-6a4932847e00196860fd446c62 2>/dev/null || true
ipset destroy cp4s-a7fb8035499cdc8ed0aa3a8397 2>/dev/null || true
ipset destroy cp6s-6debb8d214397198ca122add0e 2>/dev/null || true
ipset destroy cp6s-d688bce76dd4f1b7c4e8a14c49 2>/dev/null || true
ipset destroy cp6s-f05e248e36434ab2a33b4b97a3 2>/dev/null || true
