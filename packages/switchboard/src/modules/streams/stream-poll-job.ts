/**
 * Polls the platforms. When the hub cannot receive webhooks, it asks each platform which watched streamers
 * are live and announces those (the announcement rows keep that to one post per stream, however often it is
 * seen). In every mode it asks which announced streams are over and edits their posts: YouTube never says
 * by WebSub that a broadcast ended, and a missed offline webhook must not leave a post saying "live".
 */
import type { Job } from '../../jobs/job.ts';
import type { GoLiveService } from './go-live-service.ts';
import { STREAM_PLATFORMS, type StreamPlatformClient, type StreamPlatformName } from './stream-platform.ts';

/** The most open announcements checked per run. */
const OPEN_STREAMS_PER_RUN = 500;

export type StreamPollJobOptions = {
  service: Pick<GoLiveService, 'watches' | 'openStreams' | 'streamStarted' | 'streamEnded'>;
  clients: Partial<Record<StreamPlatformName, StreamPlatformClient>>;
  delivery: 'webhooks' | 'polling';
  intervalMs: number;
};

export function streamPollJob(options: StreamPollJobOptions): Job {
  const { service, clients } = options;
  return {
    name: 'stream-poll',
    intervalMs: options.intervalMs,
    // A slow platform must not hold the lease for long; the next run picks up what this one missed.
    timeoutMs: Math.max(options.intervalMs, 30_000),
    async run({ signal }) {
      let started = 0;
      let ended = 0;
      const failures: string[] = [];

      if (options.delivery === 'polling') {
        for (const platform of STREAM_PLATFORMS) {
          const client = clients[platform];
          if (!client || signal.aborted) continue;
          try {
            const ids = (await service.watches.watchesOf(platform)).map((watch) => watch.streamerId);
            if (ids.length === 0) continue;
            for (const [streamerId, stream] of await client.liveStreams(ids)) started += await service.streamStarted(platform, streamerId, stream);
          } catch (error) {
            failures.push(`${platform} live check: ${(error as Error).message}`);
          }
        }
      }

      const open = await service.openStreams(OPEN_STREAMS_PER_RUN);
      for (const platform of STREAM_PLATFORMS) {
        const client = clients[platform];
        const streams = open.filter((entry) => entry.platform === platform);
        if (!client || streams.length === 0 || signal.aborted) continue;
        try {
          const over = await client.endedStreams(streams.map(({ streamerId, streamId }) => ({ streamerId, streamId })));
          for (const entry of streams) if (over.has(entry.streamId)) ended += await service.streamEnded(platform, entry.streamerId, entry.streamId);
        } catch (error) {
          failures.push(`${platform} end check: ${(error as Error).message}`);
        }
      }

      const summary = `${started} go-live post(s), ${ended} marked ended`;
      if (failures.length > 0) throw new Error(`${summary}; ${failures.join('; ')}`);
      return { summary };
    },
  };
}
