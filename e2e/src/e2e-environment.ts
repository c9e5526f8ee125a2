import { getContainerRuntimeClient, ImageName } from 'testcontainers'
import { howToGetImage, imageOf, type ImageVariable } from './images.ts'
import { settings } from './settings.ts'

const GET_DOCKER = 'bash e2e/images/setup-docker.sh && bash e2e/images/build-images.sh all'

export type E2eEnvironment = { skip: false; images: Record<ImageVariable, string> } | { skip: true; reason: string; images: Record<ImageVariable, string> }

/**
 * Checks, before a spec file declares its tests, that Docker answers and that the images it needs
 * exist (or can be pulled). When something is missing it throws an error that says how to get it,
 * so the suite FAILS; unless the user opted out with TWINFLOW_E2E=skip, which is ignored under
 * CI=true (CI never skips the e2e suite).
 */
export async function e2eEnvironment(needed: readonly ImageVariable[]): Promise<E2eEnvironment> {
  const images = Object.fromEntries(needed.map((v) => [v, imageOf(v, settings.imageOverrides)])) as Record<ImageVariable, string>
  if (settings.skipRequested && !settings.ci) {
    console.warn('TWINFLOW_E2E=skip: skipping the end-to-end suite')
    return { skip: true, reason: 'TWINFLOW_E2E=skip: the end-to-end suite is skipped at your request', images }
  }
  let client: Awaited<ReturnType<typeof getContainerRuntimeClient>>
  try {
    client = await getContainerRuntimeClient()
  } catch (error) {
    throw new Error(
      `The end-to-end suite needs a Docker engine, and none answers (${(error as Error).message}).\n` +
        `  Get one and the images with: ${GET_DOCKER}\n` +
        `  (or skip this suite on purpose with TWINFLOW_E2E=skip; under CI=true it never skips)`,
    )
  }
  const missing: string[] = []
  for (const variable of needed) {
    const image = images[variable]
    // Images of a registry are pulled by Testcontainers; only locally built ones must be here.
    if (!image.startsWith('twinflow/')) continue
    if (!(await client.image.exists(ImageName.fromString(image)))) missing.push(`  ${image} (${variable}): build it with \`${howToGetImage(variable, image)}\``)
  }
  if (missing.length > 0) {
    throw new Error(
      `The end-to-end suite needs images that Docker does not have:\n${missing.join('\n')}\n` +
        `  (all at once: bash e2e/images/build-images.sh all; or point the TWINFLOW_*_IMAGE variables at official images, see e2e/images/README.md;\n` +
        `   or skip this suite on purpose with TWINFLOW_E2E=skip; under CI=true it never skips)`,
    )
  }
  return { skip: false, images }
}
