module.exports = { ...require('../../jest.preset.js'), displayName: 'working-calendar', rootDir: __dirname };
