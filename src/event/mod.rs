//! The event model: the stored columns ([`schema`]), one event ready to store ([`row::Row`]),
//! how a raw ActionTrail event becomes one ([`normalize`], with [`kms_key`] deriving the KMS key
//! it acts on), and the tree-free JSON reading all of them rest on ([`rawjson`]).

pub mod kms_key;
pub mod normalize;
pub mod rawjson;
pub mod row;
pub mod schema;
