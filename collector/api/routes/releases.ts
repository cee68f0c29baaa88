import type { FastifyPluginAsync } from 'fastify';
import type { ReleaseNotices } from '../../releases/release-notices.js';

/**
 * Major Releases of the contract: release date, end of support (24 months on), the notice
 * window (120 to 90 days before), the blades still running each (from the agents' birth
 * messages) and the notice sent, if any.
 */
const releaseRoutes: FastifyPluginAsync<{ releases: ReleaseNotices }> = async (
  app,
  { releases },
) => {
  app.get(
    '/api/releases',
    {
      config: {
        access: 'read',
        doc: {
          summary: 'Major Releases, end of support, blades still on them, notices sent',
          tags: ['releases'],
        },
      },
    },
    async () => ({ releases: await releases.releases() }),
  );
};

export default releaseRoutes;
