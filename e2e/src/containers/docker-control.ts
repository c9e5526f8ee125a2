import { getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers'

/**
 * Faults a test injects into a running container (dockerode underneath): freeze it (`docker
 * pause`), thaw it, stop it and start it again with its data and its host ports kept.
 */
export const dockerControl = {
  async pause(container: StartedTestContainer): Promise<void> {
    await (await handle(container)).pause()
  },
  async unpause(container: StartedTestContainer): Promise<void> {
    await (await handle(container)).unpause()
  },
  /** `docker stop` (SIGTERM, then SIGKILL after `graceSeconds`), without removing the container. */
  async stop(container: StartedTestContainer, graceSeconds = 10): Promise<void> {
    await (await handle(container)).stop({ t: graceSeconds })
  },
  async start(container: StartedTestContainer): Promise<void> {
    await (await handle(container)).start()
  },
}

async function handle(container: StartedTestContainer) {
  const client = await getContainerRuntimeClient()
  return client.container.getById(container.getId())
}
