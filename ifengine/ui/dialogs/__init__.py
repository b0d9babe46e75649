"""Modal dialogs: each a `ModalScreen[T]` that ends with `dismiss(value)`."""
