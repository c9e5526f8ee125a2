import { getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers'

/**
 * Faults a test injects into a running container (dockerode underneath): freeze it, thaw it,
 * stop it and start it again with its data and its host ports kept.
 *
 * Freezing sends SIGSTOP to the container's main process from the host rather than using `docker
 * pause`: pause needs the cgroup freezer, which some hosts (CI sandboxes among them) do not
 * offer ("OCI runtime pause failed: unable to freeze"). A signal from the parent PID namespace
 * reaches the container's init whatever handlers it has, so this works everywhere, provided the
 * process to freeze is the container's PID 1 (every e2e image `exec`s its server).
 */
export const dockerControl = {
  /** Stops the container's main process (SIGSTOP): its connections stay open, nothing answers. */
  async freeze(container: StartedTestContainer): Promise<void> {
    const target = await handle(container)
    await target.kill({ signal: 'SIGSTOP' })
    // Checked, so that a test never believes it froze a server that is still running.
    const top = (await target.top({ ps_args: '-o pid,stat,comm' })) as { Titles: string[]; Processes: string[][] }
    const stat = top.Titles.indexOf('STAT')
    const running = top.Processes.filter((p) => !p[stat]?.startsWith('T'))
    if (running.length > 0) throw new Error(`freeze: processes still running in ${container.getName()}: ${JSON.stringify(running)}`)
  },
  /** Lets a frozen container's main process run again (SIGCONT). */
  async thaw(container: StartedTestContainer): Promise<void> {
    await (await handle(container)).kill({ signal: 'SIGCONT' })
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
