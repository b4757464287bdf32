import { PROTOCOL_NAMES, type Packet } from '../eval/index.js';
import type { EntityMatch, PolicyRule, PortMatch, ProtocolMatch } from '../model/index.js';

function protocolName(protocol: ProtocolMatch | number): string {
  return typeof protocol === 'number' ? (PROTOCOL_NAMES[protocol] ?? String(protocol)) : protocol;
}

function portsText(ports: readonly PortMatch[]): string {
  return ports.map((p) => (p.kind === 'named' ? p.name : p.min === p.max ? String(p.min) : `${p.min}:${p.max}`)).join(', ');
}


interface SideFacts {
  match: EntityMatch;
  address: string;
  port: number | undefined;
}

function sides(rule: PolicyRule, packet: Packet): Record<'source' | 'destination', SideFacts> {
  return {
    source: { match: rule.source, address: packet.sourceAddress, port: packet.sourcePort },
    destination: { match: rule.destination, address: packet.destinationAddress, port: packet.destinationPort },
  };
}

/** Why a rule did not match, in words, from the field the evaluator reported. */
export function describeFailure(rule: PolicyRule, failed: string, packet: Packet): string {
  if (failed.startsWith('unsupported')) {
    return `uses ${(rule.unsupported ?? []).join(', ')}, which calpol cannot enforce, so it never allows (fail closed)`;
  }
  const [sideName, field] = failed.split('.') as [string, string | undefined];
  if (sideName === 'source' || sideName === 'destination') {
    const side = sides(rule, packet)[sideName];
    switch (field) {
      case 'nets':
        return `${side.address} is not in ${sideName}.nets [${side.match.nets.join(', ')}]`;
      case 'notNets':
        return `${side.address} is in ${sideName}.notNets [${side.match.notNets.join(', ')}]`;
      case 'selector':
        return `${side.address} is not selected by ${sideName}.selector ${side.match.selector?.canonical ?? ''}`;
      case 'notSelector':
        return `${side.address} is selected by ${sideName}.notSelector ${side.match.notSelector?.canonical ?? ''}`;
      case 'ports':
        return `port ${side.port ?? '(none)'} is not in ${sideName}.ports [${portsText(side.match.ports)}]`;
      case 'notPorts':
        return `port ${side.port ?? '(none)'} is in ${sideName}.notPorts [${portsText(side.match.notPorts)}]`;
    }
  }
  switch (failed) {
    case 'ipVersion':
      return `the rule is for IPv${rule.ipVersion} only`;
    case 'protocol':
      return `protocol ${protocolName(packet.protocol)} is not ${protocolName(rule.protocol as ProtocolMatch)}`;
    case 'notProtocol':
      return `protocol ${protocolName(packet.protocol)} is excluded by notProtocol`;
    case 'icmp':
      return `ICMP type ${packet.icmpType}/code ${packet.icmpCode} does not match icmp ${JSON.stringify(rule.icmp)}`;
    case 'notICMP':
      return `ICMP type ${packet.icmpType}/code ${packet.icmpCode} is excluded by notICMP`;
  }
  return `${failed} does not match`;
}

/** What a matching rule required, in words ("6379 is in destination.ports"). */
export function describeMatch(rule: PolicyRule, packet: Packet): string {
  const facts: string[] = [];
  if (rule.protocol !== undefined) facts.push(`protocol ${protocolName(rule.protocol)}`);
  for (const [name, side] of Object.entries(sides(rule, packet))) {
    if (side.match.nets.length > 0) facts.push(`${side.address} is in ${name}.nets`);
    if (side.match.selector) facts.push(`${side.address} is selected by ${name}.selector ${side.match.selector.canonical}`);
    if (side.match.ports.length > 0) facts.push(`${side.port} is in ${name}.ports`);
    if (side.match.notNets.length > 0) facts.push(`${side.address} is not in ${name}.notNets`);
    if (side.match.notSelector) facts.push(`${side.address} is not selected by ${name}.notSelector`);
    if (side.match.notPorts.length > 0) facts.push(`${side.port} is not in ${name}.notPorts`);
  }
  if (rule.icmp) facts.push(`ICMP type ${packet.icmpType} matches`);
  return facts.length === 0 ? 'the rule matches all traffic' : facts.join('; ');
}

