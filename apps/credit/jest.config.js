module.exports = { ...require('../../jest.preset.js'), displayName: 'credit', rootDir: __dirname };
