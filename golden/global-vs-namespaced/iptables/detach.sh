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
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-209691a91ef3930c calpol-do-22078d22e8cad839 calpol-do-3cdd94345fd56ddb calpol-do-3f9bdd5ca920e737 calpol-do-5f3043d2c971914a calpol-do-830677b06a32abc7 cp-failsafe-in cp-failsafe-out cp-fh-c3d0ec5a8cf177106ea07c cp-forward cp-from-hep cp-from-wl cp-fw-92a279763a978ef476cba4 cp-input cp-output cp-pi-gnp-test-211b90b960b2 cp-pi-knp-defau-0d1b72820d76 cp-pi-np-defaul-956db9514569 cp-pri-kns.defa-1ca9660bed46 cp-pri-vip.allo-54160c592ef9 cp-pro-kns.defa-1ca9660bed46 cp-pro-vip.allo-54160c592ef9 cp-th-529368d0bcd355beb4be4d cp-to-hep cp-to-wl cp-tw-8648287ac6128e49d0885b cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-209691a91ef3930c calpol-do-22078d22e8cad839 calpol-do-3cdd94345fd56ddb calpol-do-3f9bdd5ca920e737 calpol-do-5f3043d2c971914a calpol-do-830677b06a32abc7 cp-failsafe-in cp-failsafe-out cp-fh-c3d0ec5a8cf177106ea07c cp-forward cp-from-hep cp-from-wl cp-fw-92a279763a978ef476cba4 cp-input cp-output cp-pi-gnp-test-211b90b960b2 cp-pi-knp-defau-0d1b72820d76 cp-pi-np-defaul-956db9514569 cp-pri-kns.defa-1ca9660bed46 cp-pri-vip.allo-54160c592ef9 cp-pro-kns.defa-1ca9660bed46 cp-pro-vip.allo-54160c592ef9 cp-th-529368d0bcd355beb4be4d cp-to-hep cp-to-wl cp-tw-8648287ac6128e49d0885b cp-wl-to-host
ipset destroy cp4s-247d61fc92d77691c4078d6cff 2>/dev/null || true
ipset destroy cp4s-3aef554d09c30d1e8e04bae5bd 2>/dev/null || true
ipset destroy cp4s-aee1437fac1d4b28c7bb17ec6a 2>/dev/null || true
ipset destroy cp6s-224ca48b5d66f4c39a250e9cb4 2>/dev/null || true
ipset destroy cp6s-a9f11be5dc485c9a424914e511 2>/dev/null || true
ipset destroy cp6s-d992f8744b78eb465cdf9b458d 2>/dev/null || true
