-- Runs once, when the postgres container initialises an empty data volume (as POSTGRES_USER, i.e. kurir).
-- The monolith uses the database "kurir" (POSTGRES_DB); the split profile gives each service its own.
CREATE DATABASE kurir_orders;
CREATE DATABASE kurir_items;
