import dns2 from 'dns2';

export interface TxtDnsServer {
  port: number;
  /** Names asked for, lowercase, in order: proof that a resolver really used this server. */
  queries: string[];
  /** Sets (or, with no values, removes) the TXT records answered for `name`. */
  setTxt(name: string, values?: string[]): void;
  close(): Promise<void>;
}

/**
 * A real DNS server on 127.0.0.1 (UDP, random port) that answers TXT queries from an in-memory
 * table and NXDOMAIN for anything else. Domain-verification tests point the resolver at it.
 */
export async function startTxtDnsServer(): Promise<TxtDnsServer> {
  const { Packet } = dns2;
  const records = new Map<string, string[]>();
  const queries: string[] = [];
  const server = dns2.createServer({
    udp: true,
    handle: (request, send) => {
      const response = Packet.createResponseFromRequest(request);
      const question = request.questions[0];
      if (question) queries.push(question.name.toLowerCase());
      const values = question ? records.get(question.name.toLowerCase()) : undefined;
      if (!question || !values) response.header.rcode = Packet.RCODE.NXDOMAIN;
      else for (const data of values) response.answers.push({ name: question.name, type: Packet.TYPE.TXT, class: Packet.CLASS.IN, ttl: 1, data } as unknown as (typeof response.answers)[number]);
      send(response);
    },
  });
  const addresses = await server.listen({ udp: { port: 0, address: '127.0.0.1' } });
  return {
    port: addresses.udp!.port,
    queries,
    setTxt(name, values) {
      if (values?.length) records.set(name.toLowerCase(), values);
      else records.delete(name.toLowerCase());
    },
    close: () => server.close(),
  };
}
