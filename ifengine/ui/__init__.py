"""The Textual player: the product's face. It drives the engine's `Session` through its public API only,
so everything shown here could be shown by any other client."""
