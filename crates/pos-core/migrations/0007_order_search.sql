-- Order search by any part of the order number, the buyer's name or phone number, or the card
-- number Iamport reports (masked; the digits it shows, e.g. the last 4, are searchable).
-- A trigram full-text index answers a substring of 3+ characters without reading every order;
-- triggers keep it in step with `orders` (its rowid is the order's rowid; the app never VACUUMs,
-- which could renumber the rowids of `orders`: a VACUUM must be followed by rebuilding this index).
ALTER TABLE orders ADD COLUMN card_number TEXT;

CREATE VIRTUAL TABLE order_search USING fts5(
    merchant_uid, buyer_name, buyer_tel, buyer_tel_digits, card_number,
    tokenize = 'trigram'
);

INSERT INTO order_search (rowid, merchant_uid, buyer_name, buyer_tel, buyer_tel_digits, card_number)
SELECT rowid, merchant_uid, buyer_name, buyer_tel, replace(replace(buyer_tel, '-', ''), ' ', ''), card_number
FROM orders;

CREATE TRIGGER orders_search_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_search (rowid, merchant_uid, buyer_name, buyer_tel, buyer_tel_digits, card_number)
    VALUES (new.rowid, new.merchant_uid, new.buyer_name, new.buyer_tel,
            replace(replace(new.buyer_tel, '-', ''), ' ', ''), new.card_number);
END;

CREATE TRIGGER orders_search_update AFTER UPDATE OF buyer_name, buyer_tel, card_number ON orders BEGIN
    UPDATE order_search SET buyer_name = new.buyer_name, buyer_tel = new.buyer_tel,
        buyer_tel_digits = replace(replace(new.buyer_tel, '-', ''), ' ', ''), card_number = new.card_number
    WHERE rowid = new.rowid;
END;

CREATE TRIGGER orders_search_delete AFTER DELETE ON orders BEGIN
    DELETE FROM order_search WHERE rowid = old.rowid;
END;
