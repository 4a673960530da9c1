package typedevent

// CheckRandomWith exposes checkRandom to the tests of this package.
var CheckRandomWith = checkRandom
