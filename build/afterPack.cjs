// electron-builder afterPack hook: flips Electron's fuses in the packaged binary (before signing).
// Needs @electron/fuses (a devDependency; 2.x declares Node >= 22.12 but imports on Node 20, 1.8.x is the CommonJS line). Without it the hook fails the build
// rather than shipping an app whose fuses are still at Electron's defaults.
// See docs/SECURITY.md and https://www.electronjs.org/docs/latest/tutorial/fuses.
const path = require('node:path')

/** The fuses and their values (FuseV1Options names). tests/unit/hardening/packaging.test.ts checks them. */
const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.js.
  RunAsNode: false,
  // Only app.asar may hold the app's code (no loose app/ folder next to it).
  OnlyLoadAppFromAsar: true,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS-style injection and --inspect debugging of the packaged app.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // The asar must match the hash embedded at build time (implemented by Electron on macOS and Windows).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Cookies and local storage encrypted with the OS keychain.
  EnableCookieEncryption: true,
  // file:// gets no extra privileges (the app uses app://).
  GrantFileProtocolExtraPrivileges: false
})

/** builder-util's Arch enum value for arm64. */
const ARCH_ARM64 = 3

/** The path @electron/fuses wants for the packaged app of `context`. */
function electronBinary(context) {
  const name = context.packager.appInfo.productFilename
  switch (context.electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(context.appOutDir, `${name}.app`)
    case 'win32':
      return path.join(context.appOutDir, `${name}.exe`)
    default:
      return path.join(context.appOutDir, context.packager.executableName)
  }
}

/** Maps FUSES onto @electron/fuses' FuseV1Options enum. */
function fuseConfig(fuses) {
  const config = { version: fuses.FuseVersion.V1 }
  for (const [name, value] of Object.entries(FUSES)) {
    const key = fuses.FuseV1Options[name]
    if (key === undefined) throw new Error(`afterPack: @electron/fuses has no fuse ${name}`)
    config[key] = value
  }
  return config
}

async function afterPack(context, load = () => import('@electron/fuses')) {
  let fuses
  try {
    const mod = await load()
    fuses = mod.flipFuses ? mod : mod.default
  } catch (e) {
    throw new Error(
      `afterPack: @electron/fuses is not installed (npm i -D @electron/fuses@2.1.3); refusing to package without fuses: ${e.message}`
    )
  }
  const binary = electronBinary(context)
  const config = fuseConfig(fuses)
  // Flipping fuses breaks an ad-hoc signature on Apple silicon; electron-builder signs afterwards anyway.
  if (context.electronPlatformName === 'darwin' && context.arch === ARCH_ARM64) config.resetAdHocDarwinSignature = true
  await fuses.flipFuses(binary, config)
  console.log(
    `afterPack: fuses set on ${binary}: ${Object.entries(FUSES)
      .map(([k, v]) => `${k}=${v ? 'on' : 'off'}`)
      .join(', ')}`
  )
}

module.exports = afterPack
module.exports.default = afterPack
module.exports.FUSES = FUSES
module.exports.electronBinary = electronBinary
module.exports.fuseConfig = fuseConfig
