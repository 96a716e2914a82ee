import DNS from 'dns2';

export interface TxtDnsServer {
  port: number;
  /** TXT records by lowercase name; a name not in the map answers NXDOMAIN. */
  records: Map<string, string[]>;
  /** Names asked for, in order (lowercase). */
  queries: string[];
  close(): Promise<void>;
}

/** An authoritative-looking DNS server on 127.0.0.1 (UDP, random port) answering TXT queries. */
export async function startTxtDnsServer(): Promise<TxtDnsServer> {
  const records = new Map<string, string[]>();
  const queries: string[] = [];
  const server = DNS.createServer({
    udp: true,
    handle: (request, send) => {
      const response = DNS.Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      const name = question?.name.toLowerCase() ?? '';
      queries.push(name);
      const txt = records.get(name);
      if (question && txt && (question.type === DNS.Packet.TYPE.TXT || question.type === DNS.Packet.TYPE.ANY)) {
        for (const data of txt) response.answers.push({ name: question.name, type: DNS.Packet.TYPE.TXT, class: DNS.Packet.CLASS.IN, ttl: 1, data } as never);
      } else if (!txt) {
        response.header.rcode = DNS.Packet.RCODE.NXDOMAIN;
      }
      void send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  return { port: addresses.udp!.port, records, queries, close: () => server.close() };
}
