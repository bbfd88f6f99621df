// The commands the server runs through `workspace/executeCommand`; code lenses and code actions name them.

export const COMMANDS = {
  compile: 'requirements.compile',
  upgradePackage: 'requirements.upgradePackage',
  sync: 'requirements.sync',
  install: 'requirements.install',
  deriveIn: 'requirements.deriveRequirementsIn',
  freeze: 'requirements.freeze',
  createVenv: 'requirements.createVenv',
  explain: 'requirements.explain',
  convert: 'requirements.convert',
} as const;
