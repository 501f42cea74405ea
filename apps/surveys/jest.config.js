module.exports = { ...require('../../jest.preset.js'), displayName: 'surveys', rootDir: __dirname };
