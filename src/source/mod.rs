//! Archive readers: detect each file's format from its bytes and yield raw JSON events.
