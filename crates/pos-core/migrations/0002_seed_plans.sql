-- Panmusic's plan catalog at launch. Prices are editable later through the plans table.
INSERT INTO plans (id, kind, name_ko, name_en, price, months, sort_order) VALUES
    ('pass_1m', 'pass', '1개월 이용권', '1-month pass', 9900, 1, 10),
    ('pass_3m', 'pass', '3개월 이용권', '3-month pass', 27000, 3, 20),
    ('sub_monthly', 'subscription', '월 정기결제', 'Monthly subscription', 9900, 1, 30);
