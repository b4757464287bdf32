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
remove "$ipt4" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-122db890f0d2272f calpol-do-20225210c76abadc calpol-do-7467d5b467ccd432 calpol-do-aa26eefeaeb8e5a2 calpol-do-c8f772e8e1c2015c calpol-do-de5675c25a5098b5 cp-forward cp-from-wl cp-fw-9347d25cc9beef57c3abe4 cp-fw-acb081179e5075affbdf28 cp-input cp-output cp-pi-knp-store-91445b97b0a2 cp-pri-kns.ops-abb5f217490f cp-pri-kns.stor-adad4bbf2f88 cp-pro-kns.ops-abb5f217490f cp-pro-kns.stor-adad4bbf2f88 cp-to-wl cp-tw-075c0c5f750d1b83837729 cp-tw-6bac03b663943ac5ffac41 cp-tw-7ad669706d70b06b0c2437 cp-wl-to-host
detach "$ipt6" filter INPUT calpol-INPUT
detach "$ipt6" filter FORWARD calpol-FORWARD
detach "$ipt6" filter OUTPUT calpol-OUTPUT
remove "$ipt6" filter calpol-INPUT calpol-FORWARD calpol-OUTPUT calpol-do-122db890f0d2272f calpol-do-20225210c76abadc calpol-do-7467d5b467ccd432 calpol-do-aa26eefeaeb8e5a2 calpol-do-c8f772e8e1c2015c calpol-do-de5675c25a5098b5 cp-forward cp-from-wl cp-fw-9347d25cc9beef57c3abe4 cp-fw-acb081179e5075affbdf28 cp-input cp-output cp-pi-knp-store-91445b97b0a2 cp-pri-kns.ops-abb5f217490f cp-pri-kns.stor-adad4bbf2f88 cp-pro-kns.ops-abb5f217490f cp-pro-kns.stor-adad4bbf2f88 cp-to-wl cp-tw-075c0c5f750d1b83837729 cp-tw-6bac03b663943ac5ffac41 cp-tw-7ad669706d70b06b0c2437 cp-wl-to-host
ipset destroy cp4s-08b21eeeafe4a4d89c7f673f3c 2>/dev/null || true
ipset destroy cp4s-bd3be88ca5899c0da904725481 2>/dev/null || true
ipset destroy cp6s-4970ee3d4bf5c875dbf36ec92c 2>/dev/null || true
ipset destroy cp6s-ff57a051958cdcdf01ffeb7ab5 2>/dev/null || true
