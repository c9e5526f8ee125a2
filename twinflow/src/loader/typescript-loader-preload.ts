// Imported by threads that load users' modules (see TYPESCRIPT_LOADER_PRELOAD): registers the loader.
import { registerTypeScriptLoader } from './register-typescript-loader.ts'

registerTypeScriptLoader()
