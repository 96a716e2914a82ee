/** One server-sent event with a JSON `data`. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: any;
}

export interface SseReader {
  /** The next event with data (comments and `retry:` blocks are skipped), or a rejection after `timeoutMs`. */
  next(timeoutMs?: number): Promise<SseMessage>;
  close(): Promise<void>;
}

/** Reads `text/event-stream` from a fetch response body. */
export function sseReader(res: Response): SseReader {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (timeoutMs = 5_000): Promise<SseMessage> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields: Record<string, string> = {};
        for (const line of block.split('\n')) {
          if (!line || line.startsWith(':')) continue;
          const i = line.indexOf(':');
          fields[line.slice(0, i)] = line.slice(i + 1).replace(/^ /, '');
        }
        if (fields.data === undefined) continue;
        return { id: fields.id, event: fields.event, data: JSON.parse(fields.data) };
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('no server-sent event in time');
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([reader.read(), new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error('no server-sent event in time')), left)))]).finally(() => clearTimeout(timer));
      if (chunk.done) throw new Error('stream ended');
      buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  return { next, close: () => reader.cancel() };
}
